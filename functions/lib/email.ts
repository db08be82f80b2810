/** A plain-text report email from $SENDER_EMAIL to $ADMIN_EMAIL (the job workers' outcome reports). */
import { SendEmailCommand, type SESClient } from "@aws-sdk/client-ses";
import { requireEnv } from "./env.js";

export async function sendTextEmail(ses: SESClient, { subject, text }: { subject: string; text: string }): Promise<void> {
  await ses.send(
    new SendEmailCommand({
      Source: requireEnv("SENDER_EMAIL"),
      Destination: { ToAddresses: [requireEnv("ADMIN_EMAIL")] },
      Message: {
        Subject: { Data: subject, Charset: "UTF-8" },
        Body: { Text: { Data: text, Charset: "UTF-8" } },
      },
    }),
  );
}
