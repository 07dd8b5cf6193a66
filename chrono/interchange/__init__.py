"""Every file format chrono reads or writes, both directions (DESIGN.md section 2).

One module per format; nothing here opens a store or prints to a terminal.
"""
