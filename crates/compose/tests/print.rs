use std::path::PathBuf;

#[test]
fn print_narrative() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    let (report, profile) = juesuan_ingest::read_text_dir(&dir).unwrap();
    let d = juesuan_tables::derive_all(&report, profile);
    let doc = juesuan_compose::compose(&report, profile, &d).unwrap();
    for p in &doc.parts {
        if p.id == "tables" { continue; }
        println!("=== {}", p.title);
        for b in &p.blocks {
            match b {
                juesuan_compose::Block::Heading { text, .. } => println!("# {text}"),
                juesuan_compose::Block::Paragraph { text } => println!("{text}"),
                _ => {}
            }
        }
    }
}
