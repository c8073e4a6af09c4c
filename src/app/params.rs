//! Lesson parameters: defaults, stepping with keys, and checking remembered values.

use crate::lessons::{ParamKind, ParamSpec, ParamValue, ParamValues};

/// The default value of a parameter.
pub fn default_value(spec: &ParamSpec) -> ParamValue {
    match &spec.kind {
        ParamKind::Int { default, .. } => ParamValue::Int(*default),
        ParamKind::Float { default, .. } => ParamValue::Float(*default),
        ParamKind::Choice { default, .. } => ParamValue::Text(default.clone()),
        ParamKind::Bool { default } => ParamValue::Bool(*default),
        ParamKind::Text { default, .. } => ParamValue::Text(default.clone()),
    }
}

/// Every parameter at its default.
pub fn defaults(specs: &[ParamSpec]) -> ParamValues {
    specs
        .iter()
        .map(|s| (s.name.clone(), default_value(s)))
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

/// The value one step forward (`dir = 1`) or back (`dir = -1`): numbers move by their step and
/// stop at the ends of their range, choices cycle, booleans toggle. Text is left alone (it is
/// edited, not stepped).
pub fn step(spec: &ParamSpec, current: &ParamValue, dir: i32) -> ParamValue {
    match (&spec.kind, current) {
        (ParamKind::Int { min, max, step, .. }, ParamValue::Int(v)) => {
            let next = v.saturating_add(step.saturating_mul(dir as i64));
            ParamValue::Int(next.clamp(*min, *max))
        }
        (ParamKind::Float { min, max, step, .. }, ParamValue::Float(v)) => {
            // Snap to the grid min + k·step so repeated steps do not collect rounding dust.
            let k = ((v - min) / step).round() + dir as f64;
            let next = (min + k * step).clamp(*min, *max);
            ParamValue::Float(round_to_step(next, *step))
        }
        (ParamKind::Choice { choices, .. }, ParamValue::Text(v)) if !choices.is_empty() => {
            let n = choices.len() as i64;
            let i = choices.iter().position(|c| c == v).unwrap_or(0) as i64;
            ParamValue::Text(choices[(i + dir as i64).rem_euclid(n) as usize].clone())
        }
        (ParamKind::Bool { .. }, ParamValue::Bool(b)) => ParamValue::Bool(!b),
        _ => current.clone(),
    }
}

/// Rounds to as many decimals as the step has, so 0.1 + 0.2 shows as 0.3.
fn round_to_step(v: f64, step: f64) -> f64 {
    let decimals = decimals_of(step) as i32;
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
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
