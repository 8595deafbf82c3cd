"""One module per subcommand: each takes parsed arguments and calls the core."""
