// Keeps node_modules out of the main module: this folder is a Node.js
// script, not Go code.
module github.com/hunt-sec/hunt/bench/parquet_oracle

go 1.26
