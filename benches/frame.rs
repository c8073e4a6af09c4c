//! One full 200×60 frame: a 64×64 heatmap and a 2,000-point line chart, drawn through a
//! ratatui `TestBackend` terminal. Target: ≤ 2 ms per frame.

use llm_lab::results::{Series, Tensor};
use llm_lab::ui::theme::Theme;
use llm_lab::ui::widgets::chart::LineChart;
use llm_lab::ui::widgets::color::ColorMode;
use llm_lab::ui::widgets::heatmap::{Heatmap, HeatmapState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Borders};

fn main() {
    divan::main();
}

fn inputs() -> (Tensor, Vec<Series>) {
    let data: Vec<f32> = (0..64 * 64)
        .map(|i| ((i % 64) as f32 * 0.37).sin() * ((i / 64) as f32 * 0.21).cos())
        .collect();
    let heat = Tensor::new(vec![64, 64], data);
    let series = vec![
        Series {
            name: "train".into(),
            points: (0..2000)
                .map(|i| {
                    (
                        i as f64,
                        10.0 / (1.0 + i as f64 * 0.01) + (i as f64).sin() * 0.1,
                    )
                })
                .collect(),
        },
        Series {
            name: "val".into(),
            points: (0..2000)
                .map(|i| (i as f64, 11.0 / (1.0 + i as f64 * 0.009)))
                .collect(),
        },
    ];
    (heat, series)
}

#[divan::bench(args = [ColorMode::TrueColor, ColorMode::Ansi256, ColorMode::Shades])]
fn frame_200x60(bencher: divan::Bencher, mode: ColorMode) {
    let (heat, series) = inputs();
    let theme = Theme::dark();
    let state = HeatmapState {
        row: 40,
        col: 20,
        ..Default::default()
    };
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut flip = false;
    bencher.bench_local(|| {
        // Move the cursor every frame so each draw has a real diff to flush.
        flip = !flip;
        let st = HeatmapState {
            col: state.col + usize::from(flip),
            ..state.clone()
        };
        terminal
            .draw(|f| {
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                        .areas(f.area());
                let lb = Block::default().borders(Borders::ALL).title("heatmap");
                let rb = Block::default().borders(Borders::ALL).title("loss");
                let (li, ri) = (lb.inner(left), rb.inner(right));
                f.render_widget(lb, left);
                f.render_widget(rb, right);
                f.render_widget(
                    Heatmap::new(&heat, &theme, mode)
                        .state(&st)
                        .show_cursor(true),
                    li,
                );
                f.render_widget(
                    LineChart::new(&series, &theme, mode).labels("step", "loss"),
                    ri,
                );
            })
            .expect("draw");
    });
}
