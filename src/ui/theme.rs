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
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}
