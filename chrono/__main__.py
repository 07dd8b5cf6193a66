from chrono.cli import run

# Guarded: importing this module (as multiprocessing's spawn and some tools do) must not run the command.
if __name__ == "__main__":
    run()
