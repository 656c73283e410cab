from tbdesk.cli import main

raise SystemExit(main())
