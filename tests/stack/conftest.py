def pytest_terminal_summary(terminalreporter):
    """The stack test's figures at the end of the run, whatever the output capture."""
    from tests.stack.test_production_stack import FIGURES

    if FIGURES:
        terminalreporter.write_sep("-", "production stack: figures")
        for key, value in FIGURES.items():
            terminalreporter.write_line(f"{key}: {value}")
