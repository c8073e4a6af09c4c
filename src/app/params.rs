//! Lesson parameters in the app: remembered values checked against the lesson, stepping with
//! keys, and how values are written in the parameter strip.

use crate::lessons::{ParamKind, ParamSpec, ParamValue, ParamValues, default_value, step_value};

/// Every parameter at its default.
pub fn defaults(specs: &[ParamSpec]) -> ParamValues {
    specs
        .iter()
        .map(|s| (s.name.clone(), default_value(&s.kind)))
        .collect()
}

/// `value` if it is a valid value of `spec`, else `None` (remembered values from an older
/// version of a lesson may no longer fit).
pub fn validate(spec: &ParamSpec, value: &ParamValue) -> Option<ParamValue> {
    match (&spec.kind, value) {
        (ParamKind::Int { min, max, .. }, ParamValue::Int(v)) if (min..=max).contains(&v) => {
            Some(value.clone())
        }
        (ParamKind::Float { min, max, .. }, ParamValue::Float(v)) if *v >= *min && *v <= *max => {
            Some(value.clone())
        }
        // JSON writes 2.0 as 2.0, but a hand-edited file may say 2.
        (ParamKind::Float { min, max, .. }, ParamValue::Int(v))
            if (*v as f64) >= *min && (*v as f64) <= *max =>
        {
            Some(ParamValue::Float(*v as f64))
        }
        (ParamKind::Choice { choices, .. }, ParamValue::Text(v)) if choices.contains(v) => {
            Some(value.clone())
        }
        (ParamKind::Bool { .. }, ParamValue::Bool(_)) => Some(value.clone()),
        (ParamKind::Text { max_len, .. }, ParamValue::Text(v)) if v.chars().count() <= *max_len => {
            Some(value.clone())
        }
        _ => None,
    }
}

/// Defaults, overridden by the remembered values that are still valid.
pub fn restore(specs: &[ParamSpec], remembered: Option<&ParamValues>) -> ParamValues {
    let mut values = defaults(specs);
    if let Some(saved) = remembered {
        for spec in specs {
            if let Some(v) = saved.get(&spec.name).and_then(|v| validate(spec, v)) {
                values.insert(spec.name.clone(), v);
            }
        }
    }
    values
}

/// The value one step forward (`dir > 0`) or back: numbers move by their step and stop at the
/// ends of their range, choices cycle, booleans toggle (the lesson format's own rule).
pub fn step(spec: &ParamSpec, current: &ParamValue, dir: i32) -> ParamValue {
    step_value(spec, current, dir > 0)
}

/// Decimals needed to show multiples of `step` exactly (at most 6).
pub fn decimals_of(step: f64) -> usize {
    (0..=6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(6)
}

/// A value written for the parameter strip.
pub fn format_value(spec: &ParamSpec, value: &ParamValue) -> String {
    match (&spec.kind, value) {
        (ParamKind::Float { step, .. }, ParamValue::Float(v)) => {
            format!("{v:.*}", decimals_of(*step))
        }
        (_, ParamValue::Int(v)) => v.to_string(),
        (_, ParamValue::Float(v)) => v.to_string(),
        (_, ParamValue::Bool(b)) => if *b { "on" } else { "off" }.to_string(),
        (ParamKind::Text { .. }, ParamValue::Text(t)) => format!("\"{t}\""),
        (_, ParamValue::Text(t)) => t.clone(),
    }
}
