//! Every colour the lab draws comes from a [`Theme`], named by meaning.

use ratatui::style::Color;

/// A colour scale as evenly spaced RGB anchors, interpolated linearly between neighbours.
/// `at(0.0)` is the first anchor, `at(1.0)` the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeatScale {
    pub anchors: &'static [(u8, u8, u8)],
}

impl HeatScale {
    /// The colour at position `t` in 0..=1 (clamped; NaN reads as the middle).
    pub fn at(&self, t: f32) -> (u8, u8, u8) {
        let n = self.anchors.len();
        if n == 0 {
            return (128, 128, 128);
        }
        if n == 1 {
            return self.anchors[0];
        }
        let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
        let pos = t * (n - 1) as f32;
        let i = (pos.floor() as usize).min(n - 2);
        let f = pos - i as f32;
        let (a, b) = (self.anchors[i], self.anchors[i + 1]);
        let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * f).round() as u8;
        (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}

// Diverging scales run blue (negative) through a neutral centre to orange (positive): the
// blue/orange pair stays distinct for the common red–green colour-vision deficiencies.
// On dark backgrounds the centre is a dim grey so zeros recede without vanishing; on light
// backgrounds it is near-white.
const DIVERGING_DARK: &[(u8, u8, u8)] = &[
    (70, 150, 255),
    (45, 95, 170),
    (58, 58, 66),
    (190, 105, 40),
    (255, 170, 60),
];
const DIVERGING_LIGHT: &[(u8, u8, u8)] = &[
    (20, 70, 160),
    (120, 165, 225),
    (246, 246, 242),
    (235, 150, 90),
    (170, 60, 10),
];
const DIVERGING_HIGH: &[(u8, u8, u8)] = &[
    (0, 120, 255),
    (0, 60, 140),
    (40, 40, 40),
    (170, 80, 0),
    (255, 160, 0),
];
// Sequential scale for probabilities and other non-negative data: dark violet through blue and
// teal to green and a light yellow, rising steadily in lightness so order reads without hue.
const SEQUENTIAL: &[(u8, u8, u8)] = &[
    (48, 18, 78),
    (52, 80, 150),
    (34, 142, 140),
    (105, 196, 95),
    (246, 228, 70),
];
const SEQUENTIAL_HIGH: &[(u8, u8, u8)] = &[
    (25, 0, 50),
    (40, 70, 170),
    (0, 160, 150),
    (120, 220, 60),
    (255, 255, 90),
];

/// Colours by meaning. Widgets and screens read these fields and never name a colour themselves.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: &'static str,
    pub fg: Color,
    pub bg: Color,
    pub muted: Color,
    pub accent: Color,
    pub positive: Color,
    pub negative: Color,
    pub border: Color,
    pub focus_border: Color,
    pub highlight_bg: Color,
    /// Heat scale for signed data, centred on zero.
    pub heat_diverging: HeatScale,
    /// Heat scale for non-negative data such as probabilities.
    pub heat_sequential: HeatScale,
    /// Glyph colour of masked attention cells.
    pub mask: Color,
    /// The heatmap cursor (drawn in place of the inspected cell's colour).
    pub cursor: Color,
    /// NaN and ±inf markers.
    pub special: Color,
    /// Line colours for chart series, in order.
    pub series: [Color; 6],
    /// Bars of bar charts and histograms.
    pub bar: Color,
}

impl Theme {
    /// The names `--theme` accepts, in the order the theme key cycles through them.
    pub const NAMES: [&'static str; 3] = ["dark", "light", "high-contrast"];

    pub fn by_name(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::dark()),
            "light" => Some(Theme::light()),
            "high-contrast" => Some(Theme::high_contrast()),
            _ => None,
        }
    }

    /// The theme after this one in [`Theme::NAMES`], wrapping around.
    pub fn next(&self) -> Theme {
        let i = Self::NAMES
            .iter()
            .position(|n| *n == self.name)
            .unwrap_or(0);
        Theme::by_name(Self::NAMES[(i + 1) % Self::NAMES.len()]).expect("listed names exist")
    }

    pub fn dark() -> Self {
        Theme {
            name: "dark",
            fg: Color::Rgb(220, 220, 220),
            bg: Color::Reset,
            muted: Color::Rgb(130, 130, 140),
            accent: Color::Rgb(90, 170, 250),
            positive: Color::Rgb(80, 200, 120),
            negative: Color::Rgb(240, 100, 90),
            border: Color::Rgb(90, 90, 100),
            focus_border: Color::Rgb(90, 170, 250),
            highlight_bg: Color::Rgb(50, 60, 80),
            heat_diverging: HeatScale {
                anchors: DIVERGING_DARK,
            },
            heat_sequential: HeatScale {
                anchors: SEQUENTIAL,
            },
            // 5.2:1 on black: masked cells recede but the dots stay readable.
            mask: Color::Rgb(125, 125, 135),
            cursor: Color::Rgb(255, 60, 200),
            special: Color::Rgb(255, 80, 80),
            series: [
                Color::Rgb(90, 170, 250),
                Color::Rgb(255, 170, 60),
                Color::Rgb(110, 210, 120),
                Color::Rgb(230, 110, 200),
                Color::Rgb(240, 230, 100),
                Color::Rgb(160, 160, 170),
            ],
            bar: Color::Rgb(90, 170, 250),
        }
    }

    pub fn light() -> Self {
        Theme {
            name: "light",
            fg: Color::Rgb(30, 30, 35),
            bg: Color::Rgb(250, 250, 248),
            muted: Color::Rgb(110, 110, 120),
            accent: Color::Rgb(20, 90, 190),
            positive: Color::Rgb(20, 130, 60),
            negative: Color::Rgb(190, 40, 30),
            border: Color::Rgb(170, 170, 180),
            focus_border: Color::Rgb(20, 90, 190),
            highlight_bg: Color::Rgb(215, 228, 245),
            heat_diverging: HeatScale {
                anchors: DIVERGING_LIGHT,
            },
            heat_sequential: HeatScale {
                anchors: SEQUENTIAL,
            },
            // 5.2:1 on the light background (the earlier (150, 150, 160) was a faint 2.8:1).
            mask: Color::Rgb(105, 105, 115),
            cursor: Color::Rgb(220, 0, 160),
            special: Color::Rgb(200, 0, 0),
            series: [
                Color::Rgb(20, 90, 190),
                Color::Rgb(210, 110, 0),
                Color::Rgb(20, 130, 60),
                Color::Rgb(170, 40, 140),
                Color::Rgb(120, 100, 0),
                Color::Rgb(90, 90, 100),
            ],
            bar: Color::Rgb(20, 90, 190),
        }
    }

    pub fn high_contrast() -> Self {
        Theme {
            name: "high-contrast",
            fg: Color::White,
            bg: Color::Black,
            muted: Color::Gray,
            accent: Color::Yellow,
            positive: Color::LightGreen,
            negative: Color::LightRed,
            border: Color::White,
            focus_border: Color::Yellow,
            highlight_bg: Color::Blue,
            heat_diverging: HeatScale {
                anchors: DIVERGING_HIGH,
            },
            heat_sequential: HeatScale {
                anchors: SEQUENTIAL_HIGH,
            },
            mask: Color::Gray,
            cursor: Color::LightMagenta,
            special: Color::LightRed,
            series: [
                Color::Yellow,
                Color::LightCyan,
                Color::LightGreen,
                Color::LightMagenta,
                Color::White,
                Color::LightRed,
            ],
            bar: Color::Yellow,
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_endpoints_and_middle() {
        let s = Theme::dark().heat_sequential;
        assert_eq!(s.at(0.0), SEQUENTIAL[0]);
        assert_eq!(s.at(1.0), SEQUENTIAL[4]);
        assert_eq!(s.at(0.5), SEQUENTIAL[2]);
        assert_eq!(s.at(-3.0), SEQUENTIAL[0]);
        // Halfway between anchors 0 and 1.
        assert_eq!(s.at(0.125), (50, 49, 114));
    }

    #[test]
    fn themes_cycle_through_all_names() {
        let mut t = Theme::dark();
        for name in ["light", "high-contrast", "dark"] {
            t = t.next();
            assert_eq!(t.name, name);
        }
    }
}
