//! Parity with PyTorch: the book's GPTModel, built and run by scripts/parity_fixtures.py, against
//! the engine loaded from the same safetensors file. Logits, loss and every gradient must agree
//! to 1e-4, absolute or relative. Also checkpoint round trips and checkpoint errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use llm_lab::engine::checkpoint::{self, CheckpointError, TensorFile};
use llm_lab::engine::model::{Gpt, Mode};
use ndarray::{Array2, ArrayD, ArrayViewD, Dimension, Ix2, Ix4};

/// The two fixture configurations the script writes: without and with qkv bias.
const FIXTURES: [&str; 2] = ["gpt_nobias", "gpt_qkvbias"];

/// An element passes when it is within TOL of PyTorch's value, absolutely or relatively.
const TOL: f64 = 1e-4;

fn fixture(name: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join(file)
}

fn ids(file: &TensorFile, name: &str) -> Array2<usize> {
    file.ids(name)
        .unwrap()
        .unwrap_or_else(|| panic!("fixture has no {name}"))
        .into_dimensionality::<Ix2>()
        .unwrap()
        .mapv(|id| usize::try_from(id).unwrap())
}

fn expected_tensor(file: &TensorFile, name: &str) -> ArrayD<f32> {
    file.float(name)
        .unwrap()
        .unwrap_or_else(|| panic!("{} has no `{name}`", file.path().display()))
}

/// Worst errors seen, and the tensor each came from: absolute, and relative to the largest
/// magnitude in the tensor (element-wise relative error is noise where a value is near 0).
#[derive(Default)]
struct Worst {
    abs: (f64, String),
    rel: (f64, String),
}

impl Worst {
    /// Compares element by element, failing with the first element outside tolerance.
    fn check(&mut self, what: &str, actual: ArrayViewD<f32>, expected: ArrayViewD<f32>) {
        assert_eq!(actual.shape(), expected.shape(), "{what}: shapes differ");
        let scale = expected
            .iter()
            .fold(0.0f64, |m, &e| m.max(f64::from(e).abs()));
        for ((index, &a), &e) in actual.indexed_iter().zip(expected.iter()) {
            let (a, e) = (f64::from(a), f64::from(e));
            let abs = (a - e).abs();
            let rel = abs / e.abs().max(f64::MIN_POSITIVE);
            assert!(
                abs <= TOL || rel <= TOL,
                "{what} at {:?}: engine {a} vs PyTorch {e} (abs {abs:.3e}, rel {rel:.3e})",
                index.slice()
            );
            if abs > self.abs.0 {
                self.abs = (abs, what.to_string());
            }
            // A tensor that is zero in exact arithmetic (the key bias's gradient: softmax ignores
            // a shift shared by a whole row of scores) holds only rounding noise; skip it here.
            if scale > 1e-6 && abs / scale > self.rel.0 {
                self.rel = (abs / scale, what.to_string());
            }
        }
    }

    fn report(&self) -> String {
        format!(
            "worst abs error {:.2e} ({}), worst error relative to the tensor's largest value {:.2e} ({})",
            self.abs.0, self.abs.1, self.rel.0, self.rel.1
        )
    }
}

/// Checks one fixture with the engine running on `threads` threads.
fn check_fixture(name: &str, threads: usize) {
    let mut model = checkpoint::load(&fixture(name, "model.safetensors")).unwrap();
    model.set_threads(threads).unwrap();
    let input = TensorFile::read(&fixture(name, "input.safetensors")).unwrap();
    let expected = TensorFile::read(&fixture(name, "expected.safetensors")).unwrap();
    let (inputs, targets) = (ids(&input, "input_ids"), ids(&input, "target_ids"));
    let mut worst = Worst::default();

    let pass = model.forward(inputs.view(), Mode::Eval).unwrap();
    let expected_logits = expected_tensor(&expected, "logits");
    worst.check(
        "logits (forward)",
        pass.logits().view().into_dyn(),
        expected_logits.view(),
    );

    let (loss, grads, pass) = model
        .loss_and_grads(inputs.view(), targets.view(), Mode::Eval)
        .unwrap();
    worst.check(
        "logits",
        pass.logits().view().into_dyn(),
        expected_logits.view(),
    );
    worst.check(
        "loss",
        ndarray::arr0(loss).view().into_dyn(),
        expected_tensor(&expected, "loss").view(),
    );

    // Every parameter has a gradient, and every PyTorch gradient is checked.
    let grads: HashMap<String, ArrayD<f32>> = grads.named().into_iter().collect();
    let params: Vec<String> = model
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(grads.len(), params.len(), "one gradient per parameter");
    let expected_grads: Vec<String> = expected
        .names()
        .into_iter()
        .filter_map(|n| n.strip_prefix("grad.").map(str::to_string))
        .collect();
    assert_eq!(
        expected_grads.len(),
        params.len(),
        "fixture has every gradient"
    );
    let mut grads_worst = Worst::default();
    for param in &expected_grads {
        let actual = grads
            .get(param)
            .unwrap_or_else(|| panic!("engine has no gradient for `{param}`"));
        let want = expected_tensor(&expected, &format!("grad.{param}"));
        grads_worst.check(&format!("grad.{param}"), actual.view(), want.view());
    }

    eprintln!(
        "{name} ({threads} thread(s)): logits and loss: {}; {} gradients: {}",
        worst.report(),
        expected_grads.len(),
        grads_worst.report()
    );
}

#[test]
fn parity_without_qkv_bias() {
    check_fixture("gpt_nobias", 1);
    check_fixture("gpt_nobias", 2);
}

#[test]
fn parity_with_qkv_bias() {
    check_fixture("gpt_qkvbias", 1);
    check_fixture("gpt_qkvbias", 2);
}

/// Every intermediate PyTorch traced, against the engine's tensor at the same path: when the
/// end results differ, the first failing path here names the op to look at.
fn check_trace(name: &str) {
    let model = checkpoint::load(&fixture(name, "model.safetensors")).unwrap();
    let input = TensorFile::read(&fixture(name, "input.safetensors")).unwrap();
    let trace = TensorFile::read(&fixture(name, "trace.safetensors")).unwrap();
    let pass = model
        .forward(ids(&input, "input_ids").view(), Mode::Eval)
        .unwrap();
    let mut worst = Worst::default();
    let mut checked = 0;
    // The trace is sorted by name; order it by layer so the earliest difference fails first.
    let mut paths = trace.names();
    paths.sort_by_key(|p| trace_order(p));
    for path in paths {
        // PyTorch's raw scores (before scaling and masking) have no single engine counterpart.
        if path.ends_with(".att.scores") {
            continue;
        }
        let actual = pass
            .get(&path)
            .unwrap_or_else(|| panic!("the engine keeps no `{path}`"));
        let want = expected_tensor(&trace, &path);
        if path.ends_with(".att.weights") {
            // Masked (future) positions are exactly 0 in PyTorch, since e^-inf = 0; so in the engine.
            let (b, h, t, _) = want.view().into_dimensionality::<Ix4>().unwrap().dim();
            for (row, col) in (0..t).flat_map(|r| (r + 1..t).map(move |c| (r, c))) {
                for (bi, hi) in (0..b).flat_map(|bi| (0..h).map(move |hi| (bi, hi))) {
                    assert_eq!(want[[bi, hi, row, col]], 0.0, "{path}: PyTorch masks");
                    assert_eq!(actual[[bi, hi, row, col]], 0.0, "{path}: engine masks");
                }
            }
        }
        worst.check(&path, actual, want.view());
        checked += 1;
    }
    assert!(checked > 10, "{name}: only {checked} intermediates checked");
    eprintln!("{name}: {checked} intermediates: {}", worst.report());
}

/// Sort key putting embeddings first, then blocks in order, then the final norm.
fn trace_order(path: &str) -> (usize, usize) {
    const STEPS: [&str; 10] = [
        "norm1.out",
        "att.weights",
        "att.context",
        "att.out",
        "shortcut1.out",
        "norm2.out",
        "ff.hidden",
        "ff.gelu",
        "ff.out",
        "out",
    ];
    if path.starts_with("drop_emb") {
        return (0, 0);
    }
    let Some(rest) = path.strip_prefix("trf_blocks.") else {
        return (usize::MAX, 0);
    };
    let (layer, step) = rest.split_once('.').unwrap_or((rest, ""));
    let layer: usize = layer.parse().unwrap_or(usize::MAX - 1);
    let step = STEPS.iter().position(|s| *s == step).unwrap_or(STEPS.len());
    (layer + 1, step)
}

#[test]
fn intermediates_match_the_pytorch_trace() {
    for name in FIXTURES {
        check_trace(name);
    }
}

#[test]
fn loading_skips_the_mask_buffers_and_keeps_every_parameter_exact() {
    for name in FIXTURES {
        let path = fixture(name, "model.safetensors");
        let file = TensorFile::read(&path).unwrap();
        let config = file.config().unwrap();
        let masks: Vec<String> = file
            .names()
            .into_iter()
            .filter(|n| n.ends_with(".att.mask"))
            .collect();
        assert_eq!(
            masks.len(),
            config.n_layers,
            "the fixture carries the book's buffers"
        );
        assert!(masks.iter().all(|m| checkpoint::is_mask_buffer(m)));

        let model = checkpoint::load(&path).unwrap();
        let params = model.named_parameters();
        assert!(params.iter().all(|(n, _)| !n.ends_with("mask")));
        assert_eq!(params.len() + masks.len(), file.names().len());
        for (param, value) in params {
            assert_eq!(
                value,
                expected_tensor(&file, &param),
                "{param} loads bit-exact"
            );
        }
    }
}

#[test]
fn save_then_load_gives_identical_parameters() {
    let dir = tempfile::tempdir().unwrap();
    for name in FIXTURES {
        let original = checkpoint::load(&fixture(name, "model.safetensors")).unwrap();
        let path = dir.path().join(format!("{name}.safetensors"));
        checkpoint::save(&original, &path).unwrap();
        let reloaded = checkpoint::load(&path).unwrap();
        assert_eq!(reloaded.config(), original.config());
        assert_eq!(reloaded.named_parameters(), original.named_parameters());

        let saved = TensorFile::read(&path).unwrap();
        assert_eq!(saved.config().unwrap(), *original.config());
        assert_eq!(saved.names().len(), original.named_parameters().len());
    }
    // A freshly initialised model too, and nothing but the checkpoint is left in the folder.
    let config = TensorFile::read(&fixture("gpt_qkvbias", "model.safetensors"))
        .unwrap()
        .config()
        .unwrap();
    let fresh = Gpt::new(config, 7).unwrap();
    let path = dir.path().join("fresh.safetensors");
    checkpoint::save(&fresh, &path).unwrap();
    assert_eq!(
        checkpoint::load(&path).unwrap().named_parameters(),
        fresh.named_parameters()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

/// Named tensors, as `checkpoint::write_f32_tensors` takes them.
type Named = Vec<(String, ArrayD<f32>)>;

/// The fixture's tensors and config, for writing altered copies.
fn fixture_tensors(name: &str) -> (Named, HashMap<String, String>) {
    let file = TensorFile::read(&fixture(name, "model.safetensors")).unwrap();
    let tensors = file
        .names()
        .into_iter()
        .map(|n| {
            let value = expected_tensor(&file, &n);
            (n, value)
        })
        .collect();
    let config = file.metadata("config").unwrap().to_string();
    (tensors, HashMap::from([("config".to_string(), config)]))
}

fn load_altered(
    tensors: &[(String, ArrayD<f32>)],
    metadata: Option<HashMap<String, String>>,
) -> CheckpointError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("altered.safetensors");
    checkpoint::write_f32_tensors(&path, tensors, metadata).unwrap();
    load_error(&path)
}

/// The error loading `path` gives (the model type has no Debug, so no `unwrap_err`).
fn load_error(path: &Path) -> CheckpointError {
    match checkpoint::load(path) {
        Ok(_) => panic!("{} loaded but should not", path.display()),
        Err(err) => err,
    }
}

#[test]
fn a_missing_parameter_is_named() {
    let (mut tensors, metadata) = fixture_tensors("gpt_nobias");
    tensors.retain(|(n, _)| n != "trf_blocks.1.ff.layers.2.bias");
    let err = load_altered(&tensors, Some(metadata));
    assert!(
        matches!(err, CheckpointError::MissingTensor { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("`trf_blocks.1.ff.layers.2.bias`"),
        "{err}"
    );
}

#[test]
fn a_missing_parameter_gets_a_hint_when_the_file_suggests_why() {
    // Saved from a wrapper such as torch.compile: every name carries a prefix.
    let (tensors, metadata) = fixture_tensors("gpt_nobias");
    let prefixed: Named = tensors
        .iter()
        .map(|(n, v)| (format!("_orig_mod.{n}"), v.clone()))
        .collect();
    let message = load_altered(&prefixed, Some(metadata.clone())).to_string();
    assert!(
        message.contains("without the `_orig_mod.` prefix"),
        "{message}"
    );

    // A head tied to the token embedding, dropped by safetensors' save_model.
    let untied: Named = tensors
        .into_iter()
        .filter(|(n, _)| n != "out_head.weight")
        .collect();
    let message = load_altered(&untied, Some(metadata)).to_string();
    assert!(message.contains("tied to tok_emb.weight"), "{message}");
}

#[test]
fn a_misshaped_parameter_names_both_shapes() {
    let (mut tensors, metadata) = fixture_tensors("gpt_nobias");
    for (name, value) in &mut tensors {
        if name == "out_head.weight" {
            *value = value.t().to_owned();
        }
    }
    let message = load_altered(&tensors, Some(metadata)).to_string();
    for part in ["`out_head.weight`", "[12, 50]", "[50, 12]"] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
}

#[test]
fn a_missing_or_broken_config_is_explained() {
    let (tensors, _) = fixture_tensors("gpt_nobias");
    let err = load_altered(&tensors, None);
    assert!(
        matches!(err, CheckpointError::MissingConfig { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("`config` metadata"), "{err}");

    let broken = HashMap::from([("config".to_string(), r#"{"vocab_size": 50}"#.to_string())]);
    let err = load_altered(&tensors, Some(broken));
    assert!(matches!(err, CheckpointError::BadConfig { .. }), "{err:?}");
}

#[test]
fn a_tensor_the_model_lacks_is_an_error() {
    // A query bias in a file whose config says qkv_bias = false: the file and config disagree.
    let (mut tensors, metadata) = fixture_tensors("gpt_nobias");
    tensors.push((
        "trf_blocks.0.att.W_query.bias".to_string(),
        ArrayD::zeros(vec![12]),
    ));
    let err = load_altered(&tensors, Some(metadata));
    assert!(
        matches!(err, CheckpointError::UnknownTensors { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("`trf_blocks.0.att.W_query.bias`"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_safetensors_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.safetensors");
    std::fs::write(&path, b"this is not a tensor file at all").unwrap();
    let err = load_error(&path);
    assert!(matches!(err, CheckpointError::Format { .. }), "{err:?}");
    let err = load_error(&dir.path().join("absent.safetensors"));
    assert!(matches!(err, CheckpointError::Read { .. }), "{err:?}");
}
