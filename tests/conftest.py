pytest_plugins = ["orggraph.testing.pytest_plugin"]
