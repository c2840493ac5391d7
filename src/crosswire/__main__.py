from crosswire.cli import main

main()
