// How long a prepared copy can be downloaded: long enough to read the mail, short enough that a
// copy of someone's whole data does not sit around. The janitor deletes it afterwards.
export const DOWNLOAD_HOURS = 24;
