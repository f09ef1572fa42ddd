"""Sales forecast: opportunities, win probabilities learned from the company's history,
the forecast per period and group, manager adjustments, weekly snapshots and the backtest."""
