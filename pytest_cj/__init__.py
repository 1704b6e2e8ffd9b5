"""pytest_cj: pytest fixtures that put a simulated CJ in front of your client."""
