"""Library functions behind the commands: a Workspace and plain arguments in, a plain result out."""
