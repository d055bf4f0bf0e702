# syntax=docker/dockerfile:1
# Multi-stage build of the standalone chat server (Grizzly + Tyrus on one port).
#   docker build -t websocket-chat .
#   docker run -p 8000:8000 websocket-chat
# Configure it with the same environment variables as the jar (docs/operations.md, "Configuration").

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY src src
# The Maven repository is a build cache, so rebuilding after a code change downloads nothing again.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -ntp package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin chat
WORKDIR /app
COPY --from=build /src/target/websocket-chat-standalone.jar /app/websocket-chat.jar
USER chat
ENV PORT=8000 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
# exec form: the JVM is PID 1 and gets SIGTERM, which closes every connection with 1001.
ENTRYPOINT ["java", "-jar", "/app/websocket-chat.jar"]
