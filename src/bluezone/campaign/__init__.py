"""The installation campaign: areas, install counts, denominators, rankings with rank movement."""
