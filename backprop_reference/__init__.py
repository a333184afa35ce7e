"""The grading side's references: what the hidden tests compare a student's answers with.

One module per notebook whose tests need more than a line. Nothing here ships to
students: the student folder holds only ``backprop_kit``, whose problem generators
(the inputs) these modules use, and public tests write their expected values out.
This package imports only numpy, math and backprop_kit.
"""
