from cjsim.cli import main

raise SystemExit(main())
