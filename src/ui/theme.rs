//! Every colour the lab draws comes from a [`Theme`], named by meaning.

use ratatui::style::Color;

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
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}
