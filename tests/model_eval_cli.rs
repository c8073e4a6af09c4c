//! `llm-lab model eval` run as a real process on the PyTorch parity fixtures.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use llm_lab::engine::checkpoint::{self, TensorFile};
use ndarray::ArrayD;
use safetensors::{Dtype, View};

const TOL: f64 = 1e-4;

fn fixture(name: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join(file)
}

fn eval(checkpoint: &Path, input: &Path, output: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(["model", "eval", "--checkpoint"])
        .arg(checkpoint)
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

fn assert_close(what: &str, actual: &ArrayD<f32>, expected: &ArrayD<f32>) {
    assert_eq!(actual.shape(), expected.shape(), "{what}");
    for (&a, &e) in actual.iter().zip(expected.iter()) {
        let abs = (f64::from(a) - f64::from(e)).abs();
        assert!(
            abs <= TOL || abs <= TOL * f64::from(e).abs(),
            "{what}: {a} vs {e}"
        );
    }
}

/// An integer tensor for an input file.
struct IdTensor {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl IdTensor {
    fn i64(shape: &[usize], ids: &[i64]) -> Self {
        let bytes = ids.iter().flat_map(|v| v.to_le_bytes()).collect();
        Self {
            dtype: Dtype::I64,
            shape: shape.to_vec(),
            bytes,
        }
    }
    fn i32(shape: &[usize], ids: &[i32]) -> Self {
        let bytes = ids.iter().flat_map(|v| v.to_le_bytes()).collect();
        Self {
            dtype: Dtype::I32,
            shape: shape.to_vec(),
            bytes,
        }
    }
}

impl View for &IdTensor {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

fn write_ids(path: &Path, tensors: &[(&str, IdTensor)]) {
    let bytes = safetensors::serialize(tensors.iter().map(|(n, t)| (*n, t)), None).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn fixture_input_ids(name: &str) -> (Vec<usize>, Vec<i64>) {
    let input = TensorFile::read(&fixture(name, "input.safetensors")).unwrap();
    let ids = input.ids("input_ids").unwrap().unwrap();
    (ids.shape().to_vec(), ids.iter().copied().collect())
}

#[test]
fn eval_with_targets_writes_pytorch_logits_loss_and_gradients() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["gpt_nobias", "gpt_qkvbias"] {
        let out = dir.path().join(format!("{name}.safetensors"));
        let run = eval(
            &fixture(name, "model.safetensors"),
            &fixture(name, "input.safetensors"),
            &out,
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(String::from_utf8_lossy(&run.stdout).contains("loss "));

        let actual = TensorFile::read(&out).unwrap();
        let expected = TensorFile::read(&fixture(name, "expected.safetensors")).unwrap();
        assert_eq!(actual.names().len(), expected.names().len(), "{name}");
        for tensor in expected.names() {
            let want = expected.float(&tensor).unwrap().unwrap();
            let got = actual
                .float(&tensor)
                .unwrap()
                .unwrap_or_else(|| panic!("{name}: output lacks `{tensor}`"));
            assert_close(&format!("{name} {tensor}"), &got, &want);
        }
        assert_eq!(actual.float("loss").unwrap().unwrap().ndim(), 0, "a scalar");
    }
}

#[test]
fn eval_without_targets_writes_only_logits_and_accepts_i32_ids() {
    let dir = tempfile::tempdir().unwrap();
    let (shape, ids) = fixture_input_ids("gpt_nobias");
    let ids32: Vec<i32> = ids.iter().map(|&id| i32::try_from(id).unwrap()).collect();
    let input = dir.path().join("in.safetensors");
    write_ids(&input, &[("input_ids", IdTensor::i32(&shape, &ids32))]);
    let out = dir.path().join("out.safetensors");

    let run = eval(&fixture("gpt_nobias", "model.safetensors"), &input, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let actual = TensorFile::read(&out).unwrap();
    assert_eq!(actual.names(), vec!["logits".to_string()]);
    let expected = TensorFile::read(&fixture("gpt_nobias", "expected.safetensors")).unwrap();
    assert_close(
        "logits",
        &actual.float("logits").unwrap().unwrap(),
        &expected.float("logits").unwrap().unwrap(),
    );
}

/// Runs eval on a bad input; asserts exit code 1, one `llm-lab:` line holding `needle`, no
/// panic and no output file.
fn assert_rejected(input: &Path, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.safetensors");
    let run = eval(&fixture("gpt_nobias", "model.safetensors"), input, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("llm-lab: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{stderr} lacks {needle}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left"
    );
}

#[test]
fn an_id_outside_the_vocabulary_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    write_ids(
        &input,
        &[("input_ids", IdTensor::i64(&[1, 3], &[4, 7, 50]))],
    );
    assert_rejected(
        &input,
        "holds id 50 at row 0, position 2; ids must be from 0 to 49 (the model's vocabulary has 50 tokens)",
    );
}

#[test]
fn float_ids_are_rejected_with_the_dtypes_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.safetensors");
    let ids = ArrayD::from_shape_vec(vec![1, 2], vec![1.0f32, 2.0]).unwrap();
    checkpoint::write_f32_tensors(&input, &[("input_ids".to_string(), ids)], None).unwrap();
    assert_rejected(&input, "has data type F32; expected I64 or I32");
}

#[test]
fn other_bad_inputs_get_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);

    assert_rejected(&path("absent.safetensors"), "cannot read");

    write_ids(
        &path("rank1.safetensors"),
        &[("input_ids", IdTensor::i64(&[3], &[1, 2, 3]))],
    );
    assert_rejected(&path("rank1.safetensors"), "must have 2 dimensions");

    let long: Vec<i64> = (0..9).collect();
    write_ids(
        &path("long.safetensors"),
        &[("input_ids", IdTensor::i64(&[1, 9], &long))],
    );
    assert_rejected(&path("long.safetensors"), "context length is 8");

    write_ids(
        &path("mismatch.safetensors"),
        &[
            ("input_ids", IdTensor::i64(&[1, 3], &[1, 2, 3])),
            ("target_ids", IdTensor::i64(&[1, 2], &[2, 3])),
        ],
    );
    assert_rejected(&path("mismatch.safetensors"), "must match");

    write_ids(
        &path("negative.safetensors"),
        &[("input_ids", IdTensor::i64(&[1, 2], &[1, -100]))],
    );
    assert_rejected(&path("negative.safetensors"), "holds id -100");

    write_ids(
        &path("noids.safetensors"),
        &[("tokens", IdTensor::i64(&[1, 2], &[1, 2]))],
    );
    assert_rejected(&path("noids.safetensors"), "no `input_ids` tensor");
}

#[test]
fn help_says_what_each_file_holds() {
    let out = Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(["model", "eval", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // The help wraps to the terminal's width: compare with the line breaks taken out.
    let help = String::from_utf8(out.stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let help = &help[help.find("Options:").expect("an options section")..];
    let described = |flag: &str, next: &str| {
        let start = help
            .find(&format!("{flag} <"))
            .unwrap_or_else(|| panic!("{help}"));
        let end = help[start..].find(next).map_or(help.len(), |e| start + e);
        help[start..end].to_string()
    };
    let checkpoint = described("--checkpoint", "--input");
    assert!(checkpoint.contains("state_dict"), "{checkpoint}");
    assert!(checkpoint.contains("`config`"), "{checkpoint}");
    let input = described("--input", "--output");
    for word in ["input_ids", "target_ids", "I64 or I32", "[B, T]"] {
        assert!(input.contains(word), "{word}: {input}");
    }
    let output = described("--output", "-h, --help");
    for word in ["logits", "loss", "grad."] {
        assert!(output.contains(word), "{word}: {output}");
    }
}
