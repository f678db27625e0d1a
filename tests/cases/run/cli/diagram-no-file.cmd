2
diagram
