// Graphviz's C API (libgvc, libcgraph) from Debian's libgraphviz-dev, for in-process
// rendering of DOT to SVG, PNG and PDF. See gvc.h and cgraph.h.
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
