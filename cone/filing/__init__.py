"""The filing format `cone.filing/1`: models, parser, money, field paths and input errors."""
