"""惠企政策精准送: enterprise profiles, support measures read from the graph, compiled conditions, matching and
reverse matching."""
