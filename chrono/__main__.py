from chrono.cli import run

run()
