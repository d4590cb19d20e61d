"""The broadcast chat of FastAPI's documentation ("Handling disconnections and multiple
clients" on its WebSockets page), as written there: a ConnectionManager with a list of
connections, a personal "You wrote" answer, then a broadcast awaited connection by connection.
It sends no greeting: 06-loadgen joins with --join probe.

    python3 fastapi_chat.py --port 0     # then: 06-loadgen broadcast ws://127.0.0.1:PORT/ws/1 --join probe
"""

from typing import List

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from uvicorn_main import main

app = FastAPI()


class ConnectionManager:
    def __init__(self):
        self.active_connections: List[WebSocket] = []

    async def connect(self, websocket: WebSocket):
        await websocket.accept()
        self.active_connections.append(websocket)

    def disconnect(self, websocket: WebSocket):
        self.active_connections.remove(websocket)

    async def send_personal_message(self, message: str, websocket: WebSocket):
        await websocket.send_text(message)

    async def broadcast(self, message: str):
        for connection in self.active_connections:
            await connection.send_text(message)


manager = ConnectionManager()


@app.websocket("/ws/{client_id}")
async def websocket_endpoint(websocket: WebSocket, client_id: int):
    await manager.connect(websocket)
    try:
        while True:
            data = await websocket.receive_text()
            await manager.send_personal_message(f"You wrote: {data}", websocket)
            await manager.broadcast(f"Client #{client_id} says: {data}")
    except WebSocketDisconnect:
        manager.disconnect(websocket)
        await manager.broadcast(f"Client #{client_id} left the chat")


if __name__ == "__main__":
    main(app, "FastAPI ConnectionManager chat (ws://HOST:PORT/ws/CLIENT_ID)")
