from clawpolicy.cli import main

main()
