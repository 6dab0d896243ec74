package dev.rawtcp.autoconfigure.gettingstarted;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.ConnectionGroup;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineHandler;

@SpringBootApplication
public class ChatApplication {

	public static void main(String[] args) {
		SpringApplication.run(ChatApplication.class, args);
	}

	@Bean
	ConnectionGroup chatRoom() {
		return new ConnectionGroup();
	}

	@Bean
	TcpHandler chatHandler(ConnectionGroup chatRoom, @Value("${chat.max-line-length:1KB}") DataSize maxLineLength) {
		LineEncoder out = new LineEncoder();
		LineHandler chat = new LineHandler() {

			@Override
			public void onOpen(Connection connection) {
				chatRoom.broadcast(out.encode("* " + name(connection) + " joined"), (member) -> member != connection);
			}

			@Override
			public void onLine(Connection connection, String line) {
				chatRoom.broadcast(out.encode(name(connection) + ": " + line), (member) -> member != connection);
			}

			@Override
			public void onClose(Connection connection, CloseReason reason) {
				chatRoom.broadcast(out.encode("* " + name(connection) + " left"));
			}

		};
		// track: every connection is in the room from onOpen until onClose
		return chatRoom.track(FramedHandler.lines(Math.toIntExact(maxLineLength.toBytes()), chat));
	}

	private static String name(Connection connection) {
		return "user" + connection.id();
	}

}
