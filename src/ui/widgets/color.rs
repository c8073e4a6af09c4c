//! How colours reach the terminal: true colour, the 256-colour palette, or shade glyphs only.

use crate::ui::theme::{HeatScale, Theme};
use ratatui::style::Color;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// What the terminal can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    /// 24-bit RGB.
    TrueColor,
    /// The xterm 256-colour palette (6×6×6 cube and a grey ramp).
    Ansi256,
    /// No heat colours: values are drawn with shade glyphs ` ░▒▓█` (and numbers where they fit).
    Shades,
}

/// The shade glyphs from empty to full.
pub const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];

/// 0 = no override, else 1 + the mode's index.
static OVERRIDE: AtomicU8 = AtomicU8::new(0);
static DETECTED: OnceLock<ColorMode> = OnceLock::new();

impl ColorMode {
    const ALL: [ColorMode; 3] = [ColorMode::TrueColor, ColorMode::Ansi256, ColorMode::Shades];

    /// The mode the app draws with: the override if set, else the environment's (read once).
    pub fn current() -> Self {
        match OVERRIDE.load(Ordering::Relaxed) {
            0 => *DETECTED.get_or_init(ColorMode::detect),
            n => Self::ALL[(n as usize - 1).min(2)],
        }
    }

    /// Forces [`ColorMode::current`] (tests and snapshots); `None` goes back to the environment.
    pub fn set_override(mode: Option<ColorMode>) {
        let n = mode.map_or(0, |m| {
            1 + Self::ALL.iter().position(|a| *a == m).unwrap_or(0) as u8
        });
        OVERRIDE.store(n, Ordering::Relaxed);
    }

    /// Reads the process environment (see [`ColorMode::from_env`]).
    pub fn detect() -> Self {
        Self::from_env(|key| std::env::var(key).ok())
    }

    /// Decides from environment variables given by `get`, so tests need not touch the real
    /// environment: `NO_COLOR` set to anything → Shades; `COLORTERM` truecolor/24bit → TrueColor;
    /// `TERM` containing `256color` → Ansi256; anything else (16 colours) → Shades.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Self {
        if get("NO_COLOR").is_some() {
            return ColorMode::Shades;
        }
        let colorterm = get("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorMode::TrueColor;
        }
        if get("TERM").unwrap_or_default().contains("256color") {
            return ColorMode::Ansi256;
        }
        ColorMode::Shades
    }

    /// An RGB colour as this mode can show it (`None` in Shades mode: draw a glyph instead).
    pub fn color(self, rgb: (u8, u8, u8)) -> Option<Color> {
        match self {
            ColorMode::TrueColor => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            ColorMode::Ansi256 => Some(Color::Indexed(nearest_256(rgb))),
            ColorMode::Shades => None,
        }
    }

    /// A theme colour for a widget's labels, text and lines: as [`ColorMode::theme_color`], but
    /// the terminal's own colour in Shades mode, where widgets speak in glyphs alone.
    pub fn ink(self, c: Color) -> Color {
        match self {
            ColorMode::Shades => Color::Reset,
            m => m.theme_color(c),
        }
    }

    /// A theme colour as this mode can show it: RGB theme colours are mapped into the palette in
    /// Ansi256 mode; named colours pass through. In Shades mode heat colours are dropped by the
    /// callers, but theme text colours (labels, accents) are still honoured unless NO_COLOR.
    pub fn theme_color(self, c: Color) -> Color {
        match (self, c) {
            (ColorMode::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256((r, g, b))),
            _ => c,
        }
    }
}

const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn dist2(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

fn nearest_level(v: u8) -> usize {
    (0..6)
        .min_by_key(|&i| (CUBE_LEVELS[i] as i32 - v as i32).abs())
        .expect("six levels")
}

/// The closest xterm-256 index to an RGB colour, among the colour cube (16–231) and the grey
/// ramp (232–255); the first 16 are left out because terminals redefine them.
pub fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    let (ri, gi, bi) = (
        nearest_level(rgb.0),
        nearest_level(rgb.1),
        nearest_level(rgb.2),
    );
    let cube = (CUBE_LEVELS[ri], CUBE_LEVELS[gi], CUBE_LEVELS[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let mean = (rgb.0 as u32 + rgb.1 as u32 + rgb.2 as u32) / 3;
    // Grey ramp: 8, 18, ..., 238.
    let k = ((mean.saturating_sub(8) + 5) / 10).min(23);
    let g = (8 + 10 * k) as u8;
    if dist2(rgb, (g, g, g)) < dist2(rgb, cube) {
        232 + k as u8
    } else {
        cube_index as u8
    }
}

/// Black or white, whichever has the higher contrast ratio on `rgb` (WCAG relative luminance,
/// computed on linear light: mid greens and teals take black, which plain averaging of the
/// gamma-encoded channels got wrong).
pub fn contrast_text(rgb: (u8, u8, u8)) -> (u8, u8, u8) {
    let linear = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = 0.2126 * linear(rgb.0) + 0.7152 * linear(rgb.1) + 0.0722 * linear(rgb.2);
    // Contrast with black (lum + 0.05) / 0.05 against with white 1.05 / (lum + 0.05).
    if (lum + 0.05) * (lum + 0.05) > 0.05 * 1.05 {
        (0, 0, 0)
    } else {
        (255, 255, 255)
    }
}

/// Which scale a heatmap uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ScaleKind {
    /// Diverging if any finite value is negative, else sequential.
    #[default]
    Auto,
    /// Centred on zero, symmetric range ±max|v|.
    Diverging,
    /// From min to max.
    Sequential,
}

/// A resolved mapping from values to positions on a colour scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValueScale {
    pub diverging: bool,
    /// Range of finite values shown at the scale's ends.
    pub lo: f32,
    pub hi: f32,
}

impl ValueScale {
    /// Fits the scale to the finite values of `data`.
    pub fn fit(kind: ScaleKind, data: impl Iterator<Item = f32>) -> Self {
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for v in data.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if lo > hi {
            (lo, hi) = (0.0, 0.0);
        }
        let diverging = match kind {
            ScaleKind::Auto => lo < 0.0,
            ScaleKind::Diverging => true,
            ScaleKind::Sequential => false,
        };
        if diverging {
            let m = lo.abs().max(hi.abs());
            ValueScale {
                diverging,
                lo: -m,
                hi: m,
            }
        } else {
            ValueScale { diverging, lo, hi }
        }
    }

    /// Position of `v` on the scale, 0..=1. A flat range maps to the middle (diverging) or top.
    pub fn position(&self, v: f32) -> f32 {
        let span = self.hi - self.lo;
        if span <= 0.0 || !span.is_finite() {
            return if self.diverging || v == 0.0 && self.hi == 0.0 {
                0.5
            } else {
                1.0
            };
        }
        ((v - self.lo) / span).clamp(0.0, 1.0)
    }

    pub fn heat<'t>(&self, theme: &'t Theme) -> &'t HeatScale {
        if self.diverging {
            &theme.heat_diverging
        } else {
            &theme.heat_sequential
        }
    }

    /// The shade glyph for a value: by position for sequential scales, by magnitude for diverging
    /// ones (the sign is drawn separately).
    pub fn shade(&self, v: f32) -> char {
        let t = self.position(v);
        let level = if self.diverging {
            (t - 0.5).abs() * 2.0
        } else {
            t
        };
        SHADES[((level * 4.0).round() as usize).min(4)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG contrast ratio of two colours.
    fn ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f32 {
        let lin = |c: u8| {
            let c = c as f32 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = |c: (u8, u8, u8)| 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2);
        let (x, y) = (l(a), l(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn numbers_on_heat_cells_keep_a_4_5_contrast() {
        // The high-contrast theme's teal (28, 174, 129) once got white text at 2.8:1.
        assert_eq!(contrast_text((28, 174, 129)), (0, 0, 0));
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let bg = (r as u8, g as u8, b as u8);
                    let k = ratio(contrast_text(bg), bg);
                    assert!(k >= 4.5, "{bg:?}: {k}");
                }
            }
        }
    }

    #[test]
    fn detect_rules() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            ColorMode::from_env(env(&[("NO_COLOR", "")])),
            ColorMode::Shades
        );
        assert_eq!(
            ColorMode::from_env(env(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
            ColorMode::Shades
        );
        assert_eq!(
            ColorMode::from_env(env(&[("COLORTERM", "24bit")])),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::from_env(env(&[("TERM", "xterm-256color")])),
            ColorMode::Ansi256
        );
        assert_eq!(
            ColorMode::from_env(env(&[("TERM", "xterm")])),
            ColorMode::Shades
        );
        assert_eq!(ColorMode::from_env(env(&[])), ColorMode::Shades);
    }

    #[test]
    fn palette_indices() {
        assert_eq!(nearest_256((255, 0, 0)), 196);
        assert_eq!(nearest_256((0, 0, 0)), 16);
        assert_eq!(nearest_256((255, 255, 255)), 231);
        assert_eq!(nearest_256((128, 128, 128)), 244);
        assert_eq!(nearest_256((95, 135, 175)), 16 + 36 + 12 + 3);
    }

    #[test]
    fn scales_fit_and_place() {
        let s = ValueScale::fit(ScaleKind::Auto, [-1.0, 0.5, f32::NAN].into_iter());
        assert!(s.diverging);
        assert_eq!((s.lo, s.hi), (-1.0, 1.0));
        assert_eq!(s.position(0.0), 0.5);
        assert_eq!(s.shade(-1.0), '█');
        assert_eq!(s.shade(0.0), ' ');
        let p = ValueScale::fit(ScaleKind::Auto, [0.2, 0.6].into_iter());
        assert!(!p.diverging);
        assert_eq!(p.position(0.2), 0.0);
        assert_eq!(p.shade(0.6), '█');
        let flat = ValueScale::fit(ScaleKind::Auto, [f32::NAN].into_iter());
        assert_eq!(flat.position(0.0), 0.5);
    }
}
