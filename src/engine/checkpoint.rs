//! Checkpoints as safetensors, in the layout of the book's PyTorch `GPTModel`.
//!
//! A checkpoint holds every parameter under its PyTorch name (`tok_emb.weight`,
//! `trf_blocks.0.att.W_query.weight`, ...), linear weights stored (out, in), and the model
//! configuration as JSON in the metadata key `config` with the book's keys. A file written by
//! `safetensors.torch.save_file(model.state_dict(), path, metadata={"config": json.dumps(cfg)})`
//! loads as is: its causal-mask buffers (`trf_blocks.N.att.mask`) are recognised and skipped,
//! because the engine builds the mask itself.
//!
//! The lower half of the module reads and writes safetensors files in general (named float and
//! integer tensors, atomic writes); `model eval` uses it for its input and output files.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, IxDyn};
use safetensors::tensor::{Metadata, TensorInfo};
use safetensors::{Dtype, SafeTensors, View};

use super::error::EngineError;
use super::model::{Gpt, GptConfig};

/// The metadata key holding the model configuration as JSON.
pub const CONFIG_KEY: &str = "config";

/// Everything that can go wrong reading or writing a checkpoint or a tensor file.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("cannot read {}: {cause}", .path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot write {}: {cause}", .path.display())]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{} is not a valid safetensors file ({cause}); save tensors with safetensors.torch.save_file, not torch.save", .path.display())]
    Format {
        path: PathBuf,
        cause: safetensors::SafeTensorError,
    },
    #[error("{} has no `config` metadata; save it with metadata={{\"config\": json.dumps(cfg)}} holding the model's configuration", .path.display())]
    MissingConfig { path: PathBuf },
    #[error("the `config` metadata of {} is not a valid model configuration: {reason}", .path.display())]
    BadConfig { path: PathBuf, reason: String },
    #[error("tensor `{name}` in {} has data type {dtype:?}; expected {expected}", .path.display())]
    Dtype {
        path: PathBuf,
        name: String,
        dtype: Dtype,
        expected: &'static str,
    },
    #[error("{} has no tensor `{name}`{hint}", .path.display())]
    MissingTensor {
        path: PathBuf,
        name: String,
        hint: String,
    },
    #[error("parameter `{name}` in {} has shape {found:?} but the configuration needs {expected:?}", .path.display())]
    ParameterShape {
        path: PathBuf,
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    #[error("{} holds {count} tensor(s) this model has no parameter for: {names}; check qkv_bias and n_layers in the config, or remove them", .path.display())]
    UnknownTensors {
        path: PathBuf,
        count: usize,
        names: String,
    },
    #[error("cannot build the model of {}: {cause}", .path.display())]
    Model { path: PathBuf, cause: EngineError },
}

/// Loads a checkpoint into a new model.
///
/// Reads the `config` metadata, builds a model of that shape and fills every parameter from
/// the file. F32 tensors load exactly; F64, F16 and BF16 are converted to f32. The causal-mask
/// buffers are ignored. Any other tensor the model has no parameter for is an error, because it
/// means the file and its configuration disagree (a `W_query.bias` with `qkv_bias: false` would
/// otherwise be silently dropped and the logits would be wrong).
pub fn load(path: &Path) -> Result<Gpt, CheckpointError> {
    let file = TensorFile::read(path)?;
    let config = file.config()?;
    let mut model = Gpt::new(config, 0).map_err(|cause| CheckpointError::Model {
        path: path.to_path_buf(),
        cause,
    })?;

    let names = file.names();
    let mut expected = BTreeSet::new();
    for (name, value) in model.named_parameters() {
        let stored = file
            .float(&name)?
            .ok_or_else(|| CheckpointError::MissingTensor {
                path: path.to_path_buf(),
                hint: missing_hint(&name, &names),
                name: name.clone(),
            })?;
        if stored.shape() != value.shape() {
            return Err(CheckpointError::ParameterShape {
                path: path.to_path_buf(),
                name,
                expected: value.shape().to_vec(),
                found: stored.shape().to_vec(),
            });
        }
        model
            .set_parameter(&name, stored.view())
            .map_err(|cause| CheckpointError::Model {
                path: path.to_path_buf(),
                cause,
            })?;
        expected.insert(name);
    }

    let unknown: Vec<String> = names
        .into_iter()
        .filter(|name| !expected.contains(name) && !is_mask_buffer(name))
        .collect();
    if !unknown.is_empty() {
        return Err(CheckpointError::UnknownTensors {
            path: path.to_path_buf(),
            count: unknown.len(),
            names: list_names(&unknown, 5),
        });
    }
    Ok(model)
}

/// Saves a model as an F32 checkpoint with its configuration in the `config` metadata.
///
/// The file is written next to its final place and renamed over it, so a crash never leaves a
/// half-written checkpoint behind.
pub fn save(model: &Gpt, path: &Path) -> Result<(), CheckpointError> {
    let config = serde_json::to_string(model.config()).map_err(|err| CheckpointError::Write {
        path: path.to_path_buf(),
        cause: std::io::Error::other(err),
    })?;
    let metadata = HashMap::from([(CONFIG_KEY.to_string(), config)]);
    write_f32_tensors(path, &model.named_parameters(), Some(metadata))
}

/// Why a parameter may be missing, judged from the names the file does have.
fn missing_hint(name: &str, names: &[String]) -> String {
    let suffix = format!(".{name}");
    if let Some(prefixed) = names.iter().find(|n| n.ends_with(&suffix)) {
        let prefix = &prefixed[..prefixed.len() - name.len()];
        return format!(
            " but has `{prefixed}`; re-save the state_dict without the `{prefix}` prefix (it comes from a wrapped or compiled model)"
        );
    }
    if name == "out_head.weight" && names.iter().any(|n| n == "tok_emb.weight") {
        return "; the output head was probably tied to tok_emb.weight and dropped when saving: save an untied copy of it as out_head.weight".to_string();
    }
    ", which the model its config describes needs".to_string()
}

/// True for the causal-mask buffer the book's attention registers, `trf_blocks.<i>.att.mask`.
pub fn is_mask_buffer(name: &str) -> bool {
    name.strip_prefix("trf_blocks.")
        .and_then(|rest| rest.strip_suffix(".att.mask"))
        .is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// The first `limit` names, quoted, and how many more there are.
fn list_names(names: &[String], limit: usize) -> String {
    let mut listed: Vec<String> = names.iter().take(limit).map(|n| format!("`{n}`")).collect();
    if names.len() > limit {
        listed.push(format!("and {} more", names.len() - limit));
    }
    listed.join(", ")
}

// ---------------------------------------------------------------------------------------------
// Safetensors files in general.

/// A safetensors file read into memory, with its header parsed once.
pub struct TensorFile {
    path: PathBuf,
    bytes: Vec<u8>,
    /// Where the tensor data starts in `bytes` (after the length prefix and the header).
    data_start: usize,
    header: Metadata,
}

impl fmt::Debug for TensorFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TensorFile")
            .field("path", &self.path)
            .field("tensors", &self.header.offset_keys())
            .finish()
    }
}

impl TensorFile {
    /// Reads and validates a safetensors file.
    pub fn read(path: &Path) -> Result<Self, CheckpointError> {
        let bytes = fs::read(path).map_err(|cause| CheckpointError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let (header_len, header) =
            SafeTensors::read_metadata(&bytes).map_err(|cause| CheckpointError::Format {
                path: path.to_path_buf(),
                cause,
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            bytes,
            data_start: 8 + header_len,
            header,
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Tensor names in the order their data appears in the file.
    pub fn names(&self) -> Vec<String> {
        self.header.offset_keys()
    }

    /// The value of a metadata key, if the file has it.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.header
            .metadata()
            .as_ref()
            .and_then(|map| map.get(key))
            .map(String::as_str)
    }

    /// The model configuration stored under the `config` metadata key.
    pub fn config(&self) -> Result<GptConfig, CheckpointError> {
        let text = self
            .metadata(CONFIG_KEY)
            .ok_or_else(|| CheckpointError::MissingConfig {
                path: self.path.clone(),
            })?;
        serde_json::from_str(text).map_err(|err| CheckpointError::BadConfig {
            path: self.path.clone(),
            reason: err.to_string(),
        })
    }

    fn info(&self, name: &str) -> Option<&TensorInfo> {
        self.header.info(name)
    }

    fn raw(&self, info: &TensorInfo) -> &[u8] {
        let (start, end) = info.data_offsets;
        &self.bytes[self.data_start + start..self.data_start + end]
    }

    /// A floating-point tensor as f32 (F32 as is; F64, F16 and BF16 converted), or `None` if
    /// the file has no tensor of that name.
    pub fn float(&self, name: &str) -> Result<Option<ArrayD<f32>>, CheckpointError> {
        let Some(info) = self.info(name) else {
            return Ok(None);
        };
        let raw = self.raw(info);
        let values: Vec<f32> = match info.dtype {
            Dtype::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F64 => raw
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32)
                .collect(),
            Dtype::F16 => raw
                .chunks_exact(2)
                .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
                .collect(),
            Dtype::BF16 => raw
                .chunks_exact(2)
                .map(|b| f32::from_bits(u32::from(u16::from_le_bytes([b[0], b[1]])) << 16))
                .collect(),
            dtype => {
                return Err(self.dtype_error(name, dtype, "F32 (or F64, F16, BF16)"));
            }
        };
        Ok(Some(self.shaped(name, info, values)?))
    }

    /// An integer tensor as i64 (I64 or I32), or `None` if the file has no tensor of that name.
    pub fn ids(&self, name: &str) -> Result<Option<ArrayD<i64>>, CheckpointError> {
        let Some(info) = self.info(name) else {
            return Ok(None);
        };
        let raw = self.raw(info);
        let values: Vec<i64> = match info.dtype {
            Dtype::I64 => raw
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                .collect(),
            Dtype::I32 => raw
                .chunks_exact(4)
                .map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect(),
            dtype => return Err(self.dtype_error(name, dtype, "I64 or I32")),
        };
        Ok(Some(self.shaped(name, info, values)?))
    }

    fn shaped<T>(
        &self,
        name: &str,
        info: &TensorInfo,
        values: Vec<T>,
    ) -> Result<ArrayD<T>, CheckpointError> {
        // The header was validated, so the element count always matches; stay graceful anyway.
        ArrayD::from_shape_vec(IxDyn(&info.shape), values).map_err(|_| CheckpointError::Format {
            path: self.path.clone(),
            cause: safetensors::SafeTensorError::InvalidOffset(name.to_string()),
        })
    }

    fn dtype_error(&self, name: &str, dtype: Dtype, expected: &'static str) -> CheckpointError {
        CheckpointError::Dtype {
            path: self.path.clone(),
            name: name.to_string(),
            dtype,
            expected,
        }
    }
}

/// Converts an IEEE half-precision bit pattern to f32 (exact: every f16 is an f32).
fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match (exponent, mantissa) {
        (0, 0) => 0,
        // Subnormal: the value is mantissa * 2^-24, exact in f32.
        (0, m) => (m as f32 * f32::powi(2.0, -24)).to_bits(),
        (0x1f, 0) => 0x7f80_0000,
        (0x1f, m) => 0x7f80_0000 | (m << 13),
        (e, m) => ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// An f32 tensor borrowed for serialisation.
struct F32View<'a> {
    shape: &'a [usize],
    bytes: Vec<u8>,
}

impl View for &F32View<'_> {
    fn dtype(&self) -> Dtype {
        Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Writes named f32 tensors (any shape, a 0-d array for a scalar) as a safetensors file,
/// atomically.
pub fn write_f32_tensors(
    path: &Path,
    tensors: &[(String, ArrayD<f32>)],
    metadata: Option<HashMap<String, String>>,
) -> Result<(), CheckpointError> {
    let views: Vec<(&str, F32View<'_>)> = tensors
        .iter()
        .map(|(name, array)| {
            let bytes = array.iter().flat_map(|v| v.to_le_bytes()).collect();
            (
                name.as_str(),
                F32View {
                    shape: array.shape(),
                    bytes,
                },
            )
        })
        .collect();
    let bytes =
        safetensors::serialize(views.iter().map(|(n, v)| (*n, v)), metadata).map_err(|cause| {
            CheckpointError::Format {
                path: path.to_path_buf(),
                cause,
            }
        })?;
    write_atomic(path, &bytes)
}

/// Writes `bytes` to a temporary file in the destination's folder, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let write_error = |cause| CheckpointError::Write {
        path: path.to_path_buf(),
        cause,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| write_error(std::io::Error::other("the path names no file")))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp_path = folder.join(temp_name);

    let result = (|| {
        let mut file = fs::File::create(&temp_path)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp_path, path)
    })();
    if let Err(cause) = result {
        let _ = fs::remove_file(&temp_path);
        return Err(write_error(cause));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// Raw bytes of any dtype, to write files the engine never writes itself.
    struct RawTensor {
        dtype: Dtype,
        shape: Vec<usize>,
        bytes: Vec<u8>,
    }

    impl View for &RawTensor {
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

    fn file_with(tensors: &[(&str, RawTensor)]) -> (tempfile::TempDir, TensorFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.safetensors");
        let bytes = safetensors::serialize(tensors.iter().map(|(n, t)| (*n, t)), None).unwrap();
        write_atomic(&path, &bytes).unwrap();
        let file = TensorFile::read(&path).unwrap();
        (dir, file)
    }

    #[test]
    fn half_precision_bit_patterns_convert_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn float_tensors_of_every_supported_dtype_read_as_f32() {
        let values = [1.5f32, -0.25, 3.0, 0.0];
        let f64s = values
            .iter()
            .flat_map(|&v| f64::from(v).to_le_bytes())
            .collect();
        // 1.5, -0.25, 3.0, 0.0 as IEEE half and as bfloat16 (the top half of the f32 bits).
        let f16s = [0x3e00u16, 0xb400, 0x4200, 0x0000]
            .iter()
            .flat_map(|b| b.to_le_bytes())
            .collect();
        let bf16s = values
            .iter()
            .flat_map(|v| ((v.to_bits() >> 16) as u16).to_le_bytes())
            .collect();
        let shape = vec![2, 2];
        let raw = |dtype, bytes| RawTensor {
            dtype,
            shape: shape.clone(),
            bytes,
        };
        let (_dir, file) = file_with(&[
            ("a", raw(Dtype::F64, f64s)),
            ("b", raw(Dtype::F16, f16s)),
            ("c", raw(Dtype::BF16, bf16s)),
        ]);
        let want = ArrayD::from_shape_vec(IxDyn(&shape), values.to_vec()).unwrap();
        for name in ["a", "b", "c"] {
            assert_eq!(file.float(name).unwrap().unwrap(), want, "{name}");
        }
        assert!(file.float("absent").unwrap().is_none());
    }

    #[test]
    fn integer_tensors_are_not_floats_and_floats_are_not_ids() {
        let (_dir, file) = file_with(&[
            (
                "ids",
                RawTensor {
                    dtype: Dtype::U8,
                    shape: vec![2],
                    bytes: vec![1, 2],
                },
            ),
            (
                "x",
                RawTensor {
                    dtype: Dtype::F32,
                    shape: vec![1],
                    bytes: 1f32.to_le_bytes().to_vec(),
                },
            ),
        ]);
        let err = file.float("ids").unwrap_err().to_string();
        assert!(err.contains("`ids`") && err.contains("U8"), "{err}");
        let err = file.ids("x").unwrap_err().to_string();
        assert!(err.contains("expected I64 or I32"), "{err}");
    }

    #[test]
    fn only_the_attention_mask_buffers_are_skipped() {
        assert!(is_mask_buffer("trf_blocks.0.att.mask"));
        assert!(is_mask_buffer("trf_blocks.11.att.mask"));
        assert!(!is_mask_buffer("trf_blocks..att.mask"));
        assert!(!is_mask_buffer("trf_blocks.x.att.mask"));
        assert!(!is_mask_buffer("trf_blocks.0.att.W_query.weight"));
        assert!(!is_mask_buffer("mask"));
    }

    #[test]
    fn atomic_writes_replace_the_file_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = write_atomic(&dir.path().join("no/such/folder/x"), b"x").unwrap_err();
        assert!(matches!(err, CheckpointError::Write { .. }), "{err:?}");
    }
}
