use llm_lab::results::Tensor;
use llm_lab::ui::theme::Theme;
use llm_lab::ui::widgets::color::ColorMode;
use llm_lab::ui::widgets::heatmap::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn dump(b: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            s.push_str(b[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn scratch() {
    let toks: Vec<String> = "Your journey starts with one step".split(' ').map(String::from).collect();
    let x = [0.43f32, 0.15, 0.89, 0.55, 0.87, 0.66, 0.57, 0.85, 0.64, 0.22, 0.58, 0.33, 0.77, 0.25, 0.10, 0.05, 0.80, 0.55];
    let mut d = vec![];
    for i in 0..6 { for j in 0..6 { d.push((0..3).map(|k| x[i*3+k]*x[j*3+k]).sum::<f32>() - 0.6); } }
    let t = Tensor::new(vec![6, 6], d).with_labels(0, toks.clone()).with_labels(1, toks.clone());
    let th = Theme::dark();
    for (w, h) in [(70, 10), (30, 8), (12, 5), (3, 2)] {
        for mode in [ColorMode::TrueColor, ColorMode::Shades] {
            let mut b = Buffer::empty(Rect::new(0, 0, w, h));
            let st = HeatmapState { row: 1, col: 4, ..Default::default() };
            Heatmap::new(&t, &th, mode).state(&st).show_cursor(true).render(b.area, &mut b);
            println!("{w}x{h} {mode:?}\n{}", dump(&b));
        }
    }
    let st = HeatmapState { row: 1, col: 4, ..Default::default() };
    println!("{}", st.readout("scores", &t));
}
