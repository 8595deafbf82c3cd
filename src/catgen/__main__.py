from catgen.cli import main

main()
