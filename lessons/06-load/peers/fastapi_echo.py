"""Echo over WebSocket on FastAPI + uvicorn, as FastAPI's WebSockets page writes its first
endpoint, except that the answer is the message itself (the page answers
f"Message text was: {data}"), so that 06-loadgen's echo mode can check it byte for byte.

    python3 fastapi_echo.py --port 0     # then: 06-loadgen echo ws://127.0.0.1:PORT/ws
"""

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from uvicorn_main import main

app = FastAPI()


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            data = await websocket.receive_text()
            await websocket.send_text(data)
    except WebSocketDisconnect:
        pass


if __name__ == "__main__":
    main(app, "FastAPI echo server (ws://HOST:PORT/ws)")
