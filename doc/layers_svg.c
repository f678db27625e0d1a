/* layers_svg.c - Graphviz DOT on stdin -> SVG (or the format argv[1]
 * names, e.g. png) on stdout, with the library stepbook already links
 * (gvc), so `make doc` needs no `dot` program.
 * Not part of stepbook: a build tool for doc/layers.svg. */
#include <stdio.h>

#include <gvc.h>

int main(int argc, char **argv)
{
	GVC_t *gvc = gvContext();
	Agraph_t *g = agread(stdin, NULL);
	if (!g) {
		fprintf(stderr, "layers_svg: stdin is not a graph\n");
		return 1;
	}
	int rc = gvLayout(gvc, g, "dot") || gvRender(gvc, g, argc > 1 ? argv[1] : "svg", stdout);
	gvFreeLayout(gvc, g);
	agclose(g);
	return gvFreeContext(gvc) || rc;
}
