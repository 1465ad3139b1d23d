"""Rules: rule-file spec, loader, restricted expressions, registry and rule kinds."""
