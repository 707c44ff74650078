"""Making people's text safe where okrflow writes it: one module per kind of output.

- :mod:`~okrflow.render.escape.markdown`: GitLab Markdown (inline text, table cells,
  mentions that ping no one, quick actions that do not run);
- :mod:`~okrflow.render.escape.mermaid`: labels inside Mermaid charts;
- :mod:`~okrflow.render.escape.html`: HTML (Jinja's autoescape, and text okrflow
  builds itself, such as SVG);
- :mod:`~okrflow.render.escape.terminal`: lines printed to a terminal or a CI log.
"""
