from okrflow.cli.main import main

main()
