fn main() {
    println!("llm-lab: under construction");
}
