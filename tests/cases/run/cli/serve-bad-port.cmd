2
serve --port 70000
