"""The command line: thin click commands that call one library function each."""
