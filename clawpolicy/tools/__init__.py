"""The drafter's and engineer's tools: test, lint, trace, fmt and schema. Each is a pure
function over policies and cases; the CLI only calls them and prints what they return."""
