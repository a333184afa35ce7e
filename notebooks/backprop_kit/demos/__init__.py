"""One module per notebook: the problem's graph, its live demo and its gradient check."""
