"""Exercise types: one module each, declaring its options, widget, portfolio view and sample."""
