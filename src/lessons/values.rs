//! Parameter values: the defaults, `--set NAME=VALUE` from the command line, and a key's step.

use super::{LessonMeta, ParamKind, ParamSpec, ParamValue, ParamValues};

/// The value each declared parameter starts at.
pub fn default_values(meta: &LessonMeta) -> ParamValues {
    meta.params
        .iter()
        .map(|p| (p.name.clone(), default_value(&p.kind)))
        .collect()
}

/// The default of one parameter.
pub fn default_value(kind: &ParamKind) -> ParamValue {
    match kind {
        ParamKind::Int { default, .. } => ParamValue::Int(*default),
        ParamKind::Float { default, .. } => ParamValue::Float(*default),
        ParamKind::Choice { default, .. } => ParamValue::Text(default.clone()),
        ParamKind::Bool { default } => ParamValue::Bool(*default),
        ParamKind::Text { default, .. } => ParamValue::Text(default.clone()),
    }
}

/// Parses `NAME=VALUE` against the lesson's declared parameters: the name must exist and the
/// value must have its type and lie in its range or among its choices. The error is one line.
pub fn parse_set(meta: &LessonMeta, assignment: &str) -> Result<(String, ParamValue), String> {
    let Some((name, raw)) = assignment.split_once('=') else {
        return Err(format!(
            "`--set {assignment}` needs the form NAME=VALUE, e.g. --set {}",
            example_set(meta)
        ));
    };
    let name = name.trim();
    let raw = raw.trim();
    let Some(spec) = meta.params.iter().find(|p| p.name == name) else {
        let known: Vec<&str> = meta.params.iter().map(|p| p.name.as_str()).collect();
        return Err(if known.is_empty() {
            format!("lesson `{}` has no parameters to set", meta.id)
        } else {
            format!(
                "lesson `{}` has no parameter `{name}`; it has: {}",
                meta.id,
                known.join(", ")
            )
        });
    };
    parse_value(spec, raw).map(|v| (name.to_string(), v))
}

/// Parses one value for a parameter, checking its type and range.
pub fn parse_value(spec: &ParamSpec, raw: &str) -> Result<ParamValue, String> {
    let name = &spec.name;
    match &spec.kind {
        ParamKind::Int { min, max, .. } => {
            let v: i64 = raw
                .parse()
                .map_err(|_| format!("`{name}` takes a whole number, not `{raw}`"))?;
            if v < *min || v > *max {
                return Err(format!(
                    "`{name}` = {v} is outside its range, {min} to {max}"
                ));
            }
            Ok(ParamValue::Int(v))
        }
        ParamKind::Float { min, max, .. } => {
            let v: f64 = raw
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| format!("`{name}` takes a number, not `{raw}`"))?;
            if v < *min || v > *max {
                return Err(format!(
                    "`{name}` = {v} is outside its range, {min} to {max}"
                ));
            }
            Ok(ParamValue::Float(v))
        }
        ParamKind::Choice { choices, .. } => {
            if choices.iter().any(|c| c == raw) {
                Ok(ParamValue::Text(raw.to_string()))
            } else {
                Err(format!(
                    "`{name}` takes one of: {}; not `{raw}`",
                    choices.join(", ")
                ))
            }
        }
        ParamKind::Bool { .. } => match raw {
            "true" | "on" | "yes" | "1" => Ok(ParamValue::Bool(true)),
            "false" | "off" | "no" | "0" => Ok(ParamValue::Bool(false)),
            _ => Err(format!("`{name}` takes true or false, not `{raw}`")),
        },
        ParamKind::Text { max_len, .. } => {
            if raw.chars().count() > *max_len {
                Err(format!("`{name}` takes at most {max_len} characters"))
            } else {
                Ok(ParamValue::Text(raw.to_string()))
            }
        }
    }
}

/// The value after pressing the parameter's key (`forward`) or Shift with it (back): numbers move
/// by one step and stop at the ends, choices cycle, booleans toggle, text is left alone (its key
/// focuses a text box instead). A value of the wrong type restarts from the default.
pub fn step_value(spec: &ParamSpec, current: &ParamValue, forward: bool) -> ParamValue {
    let sign = if forward { 1 } else { -1 };
    match (&spec.kind, current) {
        (ParamKind::Int { min, max, step, .. }, ParamValue::Int(v)) => {
            ParamValue::Int(v.saturating_add(sign * step).clamp(*min, *max))
        }
        (ParamKind::Float { min, max, step, .. }, ParamValue::Float(v)) => {
            // Move to the next point of the grid min + k·step (so repeated steps do not drift,
            // 0.1 + 0.2 ≠ 0.3); a value set off the grid moves to its nearest neighbour that way.
            let at = (v - min) / step;
            let k = if forward {
                (at + 1e-9).floor() + 1.0
            } else {
                (at - 1e-9).ceil() - 1.0
            };
            let tidy = ((min + k * step) * 1e9).round() / 1e9;
            ParamValue::Float(tidy.clamp(*min, *max))
        }
        (ParamKind::Choice { choices, .. }, ParamValue::Text(v)) if !choices.is_empty() => {
            let n = choices.len() as i64;
            let at = choices.iter().position(|c| c == v).unwrap_or(0) as i64;
            ParamValue::Text(choices[(at + sign).rem_euclid(n) as usize].clone())
        }
        (ParamKind::Bool { .. }, ParamValue::Bool(b)) => ParamValue::Bool(!b),
        (ParamKind::Text { .. }, ParamValue::Text(t)) => ParamValue::Text(t.clone()),
        (kind, _) => default_value(kind),
    }
}

/// A value as shown beside its label and accepted back by `--set`.
pub fn format_value(value: &ParamValue) -> String {
    match value {
        ParamValue::Int(v) => v.to_string(),
        ParamValue::Float(v) => {
            let s = format!("{v:.4}");
            let s = s.trim_end_matches('0');
            let s = s.strip_suffix('.').unwrap_or(s);
            if s == "-0" { "0".into() } else { s.to_string() }
        }
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Text(t) => t.clone(),
    }
}

fn example_set(meta: &LessonMeta) -> String {
    meta.params
        .first()
        .map(|p| format!("{}={}", p.name, format_value(&default_value(&p.kind))))
        .unwrap_or_else(|| "name=value".to_string())
}
