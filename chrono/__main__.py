from chrono.cli import run

# Guarded: a second process started by spawn (``projections.offload``) imports this module, and must not run the command again.
if __name__ == "__main__":
    run()
