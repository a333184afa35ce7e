"""Views: matplotlib drawings of the model, each updated in place (public matplotlib only).

- ``drawing``    a computation graph: nodes, wires, forward values and gradients
- ``wirelabels`` numbers written along wires, placed where they touch nothing else
- ``layers``     a fully connected network drawn as columns of units
- ``gradbars``   the student's gradients as bars beside finite-difference estimates
- ``heatmaps``   a matrix gradient beside its estimate, as two grids of numbers
- ``checklist``  one check line per quantity (tick, cross, question mark)
- ``curves``     named line plots: loss against step, a function and its tangent
- ``surfaces``   a loss surface over two weights with the descent path
- ``regions``    a two-class data set with a classifier's region
- ``images``     grid images (surfaces, heat maps, shading) through ``ax.imshow``
- ``texttable``  text alternatives: what a figure shows, as captioned HTML tables
- ``typesizes``  every text's size, raised on a projector to what reads from the back of a room
"""
