"""The benchmark harness of DESIGN.md section 9 (not part of the test suite)."""
