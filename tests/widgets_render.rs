//! Buffer assertions on small widgets: exact colours, glyphs, labels, cursor readouts, masks.

use llm_lab::results::{Series, Tensor};
use llm_lab::ui::theme::Theme;
use llm_lab::ui::widgets::attention::{Attention, MaskSpec, attention_readout};
use llm_lab::ui::widgets::bars::Bars;
use llm_lab::ui::widgets::chart::LineChart;
use llm_lab::ui::widgets::color::{ColorMode, nearest_256};
use llm_lab::ui::widgets::heatmap::{Heatmap, HeatmapState, Zoom};
use llm_lab::ui::widgets::histogram::Histogram;
use llm_lab::ui::widgets::scatter::Scatter;
use llm_lab::ui::widgets::shapes::{ShapeTrace, ShapeTracer};
use llm_lab::ui::widgets::table::TensorTable;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;

fn draw(w: u16, h: u16, widget: impl Widget) -> Buffer {
    let mut b = Buffer::empty(Rect::new(0, 0, w, h));
    widget.render(b.area, &mut b);
    b
}

fn line(b: &Buffer, y: u16) -> String {
    (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
}

fn tokens() -> Vec<String> {
    "Your journey starts with one step"
        .split(' ')
        .map(String::from)
        .collect()
}

fn two_by_two() -> Tensor {
    Tensor::new(vec![2, 2], vec![0.0, 1.0, 0.5, 0.25])
}

const SEQ_0: Color = Color::Rgb(48, 18, 78);
const SEQ_1: Color = Color::Rgb(246, 228, 70);
const SEQ_HALF: Color = Color::Rgb(34, 142, 140);
const SEQ_QUARTER: Color = Color::Rgb(52, 80, 150);

#[test]
fn heatmap_half_blocks_in_true_colour() {
    let t = two_by_two();
    let theme = Theme::dark();
    let st = HeatmapState {
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let b = draw(
        2,
        1,
        Heatmap::new(&t, &theme, ColorMode::TrueColor).state(&st),
    );
    // Upper data row is the foreground of '▀', lower row the background.
    assert_eq!(b[(0, 0)].symbol(), "▀");
    assert_eq!((b[(0, 0)].fg, b[(0, 0)].bg), (SEQ_0, SEQ_HALF));
    assert_eq!((b[(1, 0)].fg, b[(1, 0)].bg), (SEQ_1, SEQ_QUARTER));
}

#[test]
fn heatmap_256_colour_indices() {
    let t = two_by_two();
    let theme = Theme::dark();
    let st = HeatmapState {
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let b = draw(
        2,
        1,
        Heatmap::new(&t, &theme, ColorMode::Ansi256).state(&st),
    );
    assert_eq!(b[(0, 0)].fg, Color::Indexed(nearest_256((48, 18, 78))));
    // Computed by hand: the deep violet is nearest the grey 48 (index 236); the yellow is the
    // cube's (255, 215, 95) = 16 + 36·5 + 6·4 + 1 = 221.
    assert_eq!(b[(0, 0)].fg, Color::Indexed(236));
    assert_eq!(b[(1, 0)].fg, Color::Indexed(221));
}

#[test]
fn heatmap_shades_without_colour() {
    let t = two_by_two();
    let theme = Theme::dark();
    let st = HeatmapState {
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let b = draw(4, 2, Heatmap::new(&t, &theme, ColorMode::Shades).state(&st));
    assert_eq!(line(&b, 0), "  ██");
    assert_eq!(line(&b, 1), "▒▒░░");
    for x in 0..4 {
        for y in 0..2 {
            assert_eq!(b[(x, y)].fg, Color::Reset);
            assert_eq!(b[(x, y)].bg, Color::Reset);
        }
    }
    // Signed data: magnitude as shade, a '-' marks negatives.
    let s = Tensor::new(vec![1, 2], vec![-2.0, 1.0]);
    let b = draw(4, 1, Heatmap::new(&s, &theme, ColorMode::Shades).state(&st));
    assert_eq!(line(&b, 0), "-█▒▒");
}

#[test]
fn heatmap_labels_numbers_and_legend() {
    let toks = tokens();
    let t = Tensor::new(vec![2, 3], vec![0.1, -0.25, 0.5, 1.0, 0.0, -1.0])
        .with_labels(0, toks[..2].to_vec())
        .with_labels(1, toks[2..5].to_vec());
    let theme = Theme::dark();
    let b = draw(40, 5, Heatmap::new(&t, &theme, ColorMode::TrueColor));
    // Cells mode: labels left and on top, four decimals right-aligned, legend at the bottom.
    assert_eq!(line(&b, 0).trim_end(), "          starts    with     one");
    assert_eq!(line(&b, 1).trim_end(), "Your      0.1000 -0.2500  0.5000");
    assert_eq!(line(&b, 2).trim_end(), "journey   1.0000  0.0000 -1.0000");
    assert!(line(&b, 4).starts_with("-1.00 "), "{}", line(&b, 4));
    assert!(line(&b, 4).contains(" 1.00"));
    // Diverging scale: zero sits at the neutral centre, the text contrasts with it.
    let zero = &b[(20, 2)];
    assert_eq!(zero.bg, Color::Rgb(58, 58, 66));
    assert_eq!(zero.fg, Color::Rgb(255, 255, 255));
}

#[test]
fn heatmap_cursor_and_readout() {
    let toks = tokens();
    let data: Vec<f32> = (0..36).map(|i| i as f32 / 100.0).collect();
    let t = Tensor::new(vec![6, 6], data)
        .with_axes(&["query", "key"])
        .with_labels(0, toks.clone())
        .with_labels(1, toks.clone());
    let st = HeatmapState {
        row: 1,
        col: 5,
        ..Default::default()
    };
    assert_eq!(
        st.readout("weights", &t),
        "weights[1, 5] = 0.1100 (journey → step)"
    );
    let theme = Theme::dark();
    let b = draw(
        60,
        9,
        Heatmap::new(&t, &theme, ColorMode::TrueColor)
            .state(&st)
            .show_cursor(true),
    );
    // Cells are 8 wide ("journey" fits whole). The cursor cell takes the theme's cursor
    // colour; its row label is emphasised.
    let lw = "journey ".len() as u16;
    let cell = &b[(lw + 5 * 8 + 3, 2)];
    assert_eq!(cell.bg, theme.cursor);
    assert!(b[(0, 2)].modifier.contains(Modifier::BOLD));
    assert_eq!(b[(0, 2)].fg, theme.accent);
}

#[test]
fn heatmap_browses_slices_of_4d_tensors() {
    let t = Tensor::new(vec![2, 3, 2, 2], (0..24).map(|v| v as f32).collect())
        .with_axes(&["batch", "head", "query", "key"]);
    let mut st = HeatmapState::default();
    st.step_slice(1, &t);
    assert_eq!(st.leading, vec![0, 1]);
    st.step_slice(2, &t);
    assert_eq!(st.leading, vec![1, 0]);
    st.step_slice(-4, &t);
    assert_eq!(st.leading, vec![1, 2]);
    st.move_by(5, 5, &t);
    assert_eq!((st.row, st.col), (1, 1));
    assert_eq!(st.readout("w", &t), "w[1, 2, 1, 1] = 23.0000");
    assert_eq!(st.slice_label(&t).as_deref(), Some("batch 1/2 · head 2/3"));
}

#[test]
fn heatmap_scrolls_to_the_cursor() {
    let t = Tensor::new(vec![64, 64], (0..4096).map(|v| v as f32).collect());
    let st = HeatmapState {
        row: 63,
        col: 63,
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let theme = Theme::dark();
    let b = draw(
        60,
        6,
        Heatmap::new(&t, &theme, ColorMode::TrueColor)
            .state(&st)
            .show_cursor(true),
    );
    // The last terminal row of the grid holds data rows 62 and 63; the cursor is bottom-right.
    let last = &b[(59, 4)];
    assert_eq!(last.bg, theme.cursor);
    assert!(line(&b, 5).contains("rows 54–63/64"), "{}", line(&b, 5));
}

#[test]
fn nan_and_infinities_are_marked() {
    let t = Tensor::new(vec![1, 3], vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY]);
    let theme = Theme::dark();
    let st = HeatmapState {
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let b = draw(
        3,
        1,
        Heatmap::new(&t, &theme, ColorMode::TrueColor).state(&st),
    );
    assert_eq!(line(&b, 0), "×▲▼");
    assert_eq!(b[(0, 0)].fg, theme.special);
    let b = draw(30, 3, TensorTable::new(&t, &theme, ColorMode::TrueColor));
    assert!(line(&b, 1).contains("NaN") && line(&b, 1).contains("-inf"));
}

#[test]
fn masked_cells_differ_from_zero_weights() {
    let t = Tensor::new(vec![2, 2], vec![1.0, 0.0, 0.0, 1.0]);
    let theme = Theme::dark();
    let causal = MaskSpec {
        causal: true,
        mask: None,
    };
    // Numbers: (0, 1) is masked and shows '·'; (1, 0) is a real zero and shows 0.0000.
    let b = draw(
        30,
        4,
        Attention::new(&t, &theme, ColorMode::TrueColor).mask(causal),
    );
    assert_eq!(line(&b, 1).trim_end(), "0  1.0000      ·   1.0000");
    assert_eq!(line(&b, 2).trim_end(), "1  0.0000 1.0000   1.0000");
    assert_eq!(b[(15, 1)].fg, theme.mask);
    // Compact colour (whole rows, 2 columns a cell, the fit for this pane): masked is a glyph
    // without background, zero is a coloured block.
    let st = HeatmapState::default();
    let b = draw(
        4,
        2,
        Attention::new(&t, &theme, ColorMode::TrueColor)
            .mask(causal)
            .state(&st)
            .row_sums(false),
    );
    assert_eq!(line(&b, 0), "  ··");
    assert_eq!(b[(2, 0)].bg, Color::Reset);
    assert_eq!(b[(0, 1)].symbol(), " ");
    assert_eq!(b[(0, 1)].bg, SEQ_0);
    // An explicit mask tensor, and the readout notes it.
    let m = Tensor::new(vec![2, 2], vec![0.0, 0.0, 1.0, 0.0]);
    let spec = MaskSpec {
        causal: false,
        mask: Some(&m),
    };
    let st = HeatmapState {
        row: 1,
        col: 0,
        ..Default::default()
    };
    assert_eq!(
        attention_readout("w", &t, spec, &st),
        "w[1, 0] = 0.0000 · masked"
    );
}

#[test]
fn attention_heads_side_by_side() {
    let toks = tokens();
    let t = Tensor::new(vec![2, 3, 3], vec![0.5; 18])
        .with_axes(&["head", "query", "key"])
        .with_labels(1, toks[..3].to_vec())
        .with_labels(2, toks[..3].to_vec());
    let theme = Theme::dark();
    let b = draw(100, 7, Attention::new(&t, &theme, ColorMode::Shades));
    assert!(line(&b, 0).starts_with("head 0"));
    assert_eq!(&line(&b, 0)[50..56], "head 1");
}

#[test]
fn table_aligns_and_colours_negatives() {
    let t = Tensor::new(vec![2, 2], vec![1.5, -0.25, 10.0, 0.0]);
    let theme = Theme::dark();
    let b = draw(
        30,
        4,
        TensorTable::new(&t, &theme, ColorMode::TrueColor)
            .title("x")
            .decimals(2),
    );
    assert_eq!(line(&b, 0).trim_end(), "x (2, 2)");
    assert_eq!(line(&b, 1).trim_end(), "        0      1");
    assert_eq!(line(&b, 2).trim_end(), "0    1.50  -0.25");
    assert_eq!(line(&b, 3).trim_end(), "1   10.00   0.00");
    assert_eq!(b[(12, 2)].fg, theme.negative);
    assert_eq!(b[(7, 2)].fg, theme.fg);
}

#[test]
fn shape_tracer_wraps_between_steps() {
    let trace = ShapeTrace::default()
        .push("", &[2, 6, 3])
        .push("linear", &[2, 6, 4])
        .push("split heads", &[2, 2, 6, 2]);
    let theme = Theme::dark();
    let b = draw(
        80,
        2,
        ShapeTracer::new(&trace, &theme, ColorMode::TrueColor),
    );
    assert_eq!(
        line(&b, 0).trim_end(),
        "(2, 6, 3) ─linear→ (2, 6, 4) ─split heads→ (2, 2, 6, 2)"
    );
    let b = draw(
        30,
        3,
        ShapeTracer::new(&trace, &theme, ColorMode::TrueColor),
    );
    assert_eq!(line(&b, 0).trim_end(), "(2, 6, 3) ─linear→ (2, 6, 4)");
    assert_eq!(line(&b, 1).trim_end(), "  ─split heads→ (2, 2, 6, 2)");
}

#[test]
fn bars_print_labels_and_values() {
    let t = Tensor::new(vec![3], vec![0.5, 0.25, 0.25])
        .with_labels(0, vec!["a".into(), "bb".into(), "c".into()]);
    let theme = Theme::dark();
    let b = draw(
        20,
        3,
        Bars::new(&t, &theme, ColorMode::TrueColor).decimals(2),
    );
    // label (3) + bar (12) + space + value (4)
    assert_eq!(line(&b, 0), "a  ████████████ 0.50");
    assert_eq!(line(&b, 1), "bb ██████       0.25");
    assert_eq!(b[(3, 0)].fg, theme.bar);
}

#[test]
fn scatter_places_labels_at_points() {
    let t = Tensor::new(vec![2, 2], vec![0.0, 0.0, 1.0, 1.0])
        .with_labels(0, vec!["lo".into(), "hi".into()]);
    let theme = Theme::dark();
    let b = draw(10, 5, Scatter::new(&t, &theme, ColorMode::TrueColor));
    assert_eq!(line(&b, 3), "●lo       ");
    assert_eq!(line(&b, 0), "       hi●");
    assert!(line(&b, 4).starts_with("x 0 … 1"));
}

#[test]
fn histogram_and_line_chart_draw() {
    let t = Tensor::new(vec![4], vec![0.0, 0.0, 1.0, f32::NAN]);
    let theme = Theme::dark();
    let b = draw(
        10,
        5,
        Histogram::new(&t, &theme, ColorMode::TrueColor).bins(2),
    );
    assert!(line(&b, 0).contains("n = 4"));
    assert_eq!(&line(&b, 1)[..], "████      ");
    let series = vec![Series {
        name: "loss".into(),
        points: (1..=100).map(|i| (i as f64, 10.0 / i as f64)).collect(),
    }];
    let b = draw(
        40,
        12,
        LineChart::new(&series, &theme, ColorMode::TrueColor)
            .labels("step", "loss")
            .log_y(true),
    );
    let all: String = (0..12).map(|y| line(&b, y)).collect();
    assert!(all.contains("loss (log)"));
    assert!(all.contains("10"));
}

#[test]
fn pane_bridge_conventions() {
    use llm_lab::lessons::View;
    use llm_lab::results::{SceneOutput, Value};
    use llm_lab::ui::widgets::view::{ViewInput, handles, readout, render};
    let theme = Theme::dark();
    let toks = tokens();
    let w = Tensor::new(vec![2, 2], vec![1.0, 0.0, 0.4, 0.6])
        .with_labels(0, toks[..2].to_vec())
        .with_labels(1, toks[..2].to_vec());
    let mask = Tensor::new(vec![2, 2], vec![0.0, 1.0, 0.0, 0.0]);
    let mut out = SceneOutput::default();
    out.push("weights", Value::Tensor(w.clone()));
    out.push("weights_mask", Value::Tensor(mask));
    let state = HeatmapState {
        row: 0,
        col: 1,
        ..Default::default()
    };
    let value = Value::Tensor(w);
    let input = ViewInput {
        name: "weights",
        value: &value,
        view: View::Attention,
        output: Some(&out),
        theme: &theme,
        mode: ColorMode::TrueColor,
        state: &state,
        focused: true,
    };
    assert!(handles(View::Attention, &value));
    assert!(!handles(View::Table, &value));
    assert_eq!(
        readout(&input).as_deref(),
        Some("weights[0, 1] = 0.0000 (Your → journey) · masked")
    );
    let mut b = Buffer::empty(Rect::new(0, 0, 40, 5));
    render(&input, b.area, &mut b);
    // The companion mask is drawn, and a "weights" result gets row sums.
    assert!(line(&b, 1).contains('·'), "{}", line(&b, 1));
    assert!(line(&b, 0).contains("Σ row"));
    // Shape-trace text is drawn by the tracer; free text is left to the caller.
    let trace = Value::Text("x (6, 3)\nlinear (6, 2)".into());
    assert!(handles(View::Shapes, &trace));
    assert!(!handles(
        View::Shapes,
        &Value::Text("W stored (3, 2)  (in, out)".into())
    ));
    // A 3-column scatter is projected by PCA.
    let emb = Value::Tensor(Tensor::new(
        vec![3, 3],
        vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
    ));
    let input = ViewInput {
        name: "emb",
        value: &emb,
        view: View::Scatter,
        ..input
    };
    let mut b = Buffer::empty(Rect::new(0, 0, 30, 8));
    render(&input, b.area, &mut b);
    assert!(line(&b, 0).starts_with("PCA of 3 dims to 2"));
}

#[test]
fn half_block_attention_marks_masked_halves() {
    // Too few rows for one data row per line: two rows share a line; a masked lower half shows
    // as '·' over the upper half's colour.
    let t = Tensor::new(vec![2, 2], vec![1.0, 0.0, 0.5, 0.5]);
    let theme = Theme::dark();
    let causal = MaskSpec {
        causal: true,
        mask: None,
    };
    let st = HeatmapState {
        zoom: Zoom::Blocks(1),
        ..Default::default()
    };
    let b = draw(
        2,
        1,
        Attention::new(&t, &theme, ColorMode::TrueColor)
            .mask(causal)
            .state(&st)
            .row_sums(false),
    );
    assert_eq!(line(&b, 0), "▀·");
    // The scale spans the unmasked values only, 0.5 to 1.
    assert_eq!((b[(0, 0)].fg, b[(0, 0)].bg), (SEQ_1, SEQ_0));
    assert_eq!((b[(1, 0)].fg, b[(1, 0)].bg), (theme.mask, SEQ_0));
}

/// WCAG contrast ratio of two colours, named ones taken at xterm's defaults and `Reset` read
/// as the black a dark terminal usually has.
fn contrast(a: Color, b: Color) -> f32 {
    let rgb = |c: Color| match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Black | Color::Reset => (0, 0, 0),
        Color::Gray => (229, 229, 229),
        Color::White => (255, 255, 255),
        other => panic!("no RGB known for {other:?}"),
    };
    let lin = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = |c: Color| {
        let (r, g, b) = rgb(c);
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn mask_dots_read_at_4_5_to_1_on_every_theme_background() {
    // The light theme's dots were once a faint 2.8:1.
    for name in Theme::NAMES {
        let theme = Theme::by_name(name).unwrap();
        let k = contrast(theme.mask, theme.bg);
        assert!(k >= 4.5, "{name}: mask dots at {k:.2}:1");
    }
}
