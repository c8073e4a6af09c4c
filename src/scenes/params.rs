//! Reading a scene's parameter values, with a one-line error when one is missing or mistyped
//! (the lesson file did not declare what the scene needs).

use super::SceneError;
use crate::lessons::{ParamValue, ParamValues};

fn get<'a>(params: &'a ParamValues, name: &str) -> Result<&'a ParamValue, SceneError> {
    params.get(name).ok_or_else(|| {
        SceneError(format!(
            "this scene needs a parameter `{name}`; declare it in the lesson's front matter"
        ))
    })
}

/// A choice or text parameter.
pub fn text<'a>(params: &'a ParamValues, name: &str) -> Result<&'a str, SceneError> {
    match get(params, name)? {
        ParamValue::Text(s) => Ok(s),
        other => Err(SceneError(format!(
            "parameter `{name}` must be a choice or text, not {other:?}"
        ))),
    }
}

/// A float parameter (an int is accepted too).
pub fn float(params: &ParamValues, name: &str) -> Result<f64, SceneError> {
    match get(params, name)? {
        ParamValue::Float(v) => Ok(*v),
        ParamValue::Int(v) => Ok(*v as f64),
        other => Err(SceneError(format!(
            "parameter `{name}` must be a number, not {other:?}"
        ))),
    }
}

/// An int parameter.
pub fn int(params: &ParamValues, name: &str) -> Result<i64, SceneError> {
    match get(params, name)? {
        ParamValue::Int(v) => Ok(*v),
        other => Err(SceneError(format!(
            "parameter `{name}` must be a whole number, not {other:?}"
        ))),
    }
}
