from uprlens.cli import app

app()
